/**
 * The secret store: named secrets such as OAuth client secrets and API tokens. With an
 * encryption backend (Electron's `safeStorage`, backed by the OS key store) secrets are written
 * encrypted to the app data folder. Without one they are kept in memory until the process ends,
 * because writing them in plain text would leave them readable by anything that can read the
 * user's files.
 */
import type { SecretStatus } from '../../shared/api/services.js';
import { StagecraftError } from '../../shared/errors.js';
import { isRecord, readJsonFile, writeJsonFile } from './json-file.js';

/** Encrypts and decrypts with a key the OS keeps (Electron: `safeStorage`). */
export interface SecretCipher {
  /** True when encryption with an OS-held key works now. */
  isAvailable(): boolean;
  encrypt(plainText: string): Uint8Array;
  decrypt(encrypted: Uint8Array): string;
}

interface SecretsFile {
  version: 1;
  /** Secret name to its encrypted value in base64. */
  secrets: Record<string, string>;
}

// Without a prototype, a secret named `__proto__` or `constructor` is an ordinary key.
function emptyRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function parseSecretsFile(data: unknown): SecretsFile | undefined {
  if (!isRecord(data) || data.version !== 1 || !isRecord(data.secrets)) {
    return undefined;
  }

  const secrets = emptyRecord();
  for (const [name, value] of Object.entries(data.secrets)) {
    if (typeof value === 'string') {
      secrets[name] = value;
    }
  }
  return { version: 1, secrets };
}

/** Named secrets, encrypted on disk when a cipher is available and in memory otherwise. */
export class SecretStore {
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly cipher?: SecretCipher,
  ) {}

  /** Tells whether secrets survive a restart (encrypted on disk) or live in memory only. */
  status(): SecretStatus {
    return this.persistent()
      ? { persistent: true, backend: 'safe-storage' }
      : { persistent: false, backend: 'memory' };
  }

  /** Returns the names of the stored secrets, sorted. */
  list(): string[] {
    const names = new Set(this.memory.keys());
    if (this.persistent()) {
      for (const name of Object.keys(this.readFile().secrets)) {
        names.add(name);
      }
    }

    return [...names].sort();
  }

  /** Returns a secret's value, or undefined. For the Node side only: no service returns it. */
  get(name: string): string | undefined {
    if (this.memory.has(name)) {
      return this.memory.get(name);
    }
    if (!this.persistent()) {
      return undefined;
    }

    const secrets = this.readFile().secrets;
    if (!Object.hasOwn(secrets, name)) {
      return undefined;
    }
    return this.cipher!.decrypt(Buffer.from(secrets[name]!, 'base64'));
  }

  /** Stores a secret: encrypted on disk when possible, otherwise in memory. */
  set(name: string, value: string): void {
    if (!this.persistent()) {
      this.memory.set(name, value);
      return;
    }

    const file = this.readFile();
    file.secrets[name] = Buffer.from(this.cipher!.encrypt(value)).toString('base64');
    writeJsonFile(this.file, file);
    this.memory.delete(name);
  }

  /**
   * Stores a secret only if it can be encrypted on disk. Throws `secret-storage-unavailable`
   * otherwise, for callers that must not lose the secret at exit without telling the user.
   */
  setPersistent(name: string, value: string): void {
    if (!this.persistent()) {
      throw new StagecraftError(
        'secret-storage-unavailable',
        `Cannot keep the secret ${name} across restarts: no encrypted storage is available ` +
          '(web mode, or an OS without a key store). Enter it again after each start.',
        { name },
      );
    }

    this.set(name, value);
  }

  /** Removes a secret; returns false when there was none of that name. */
  remove(name: string): boolean {
    const inMemory = this.memory.delete(name);
    if (!this.persistent()) {
      return inMemory;
    }

    const file = this.readFile();
    if (!Object.hasOwn(file.secrets, name)) {
      return inMemory;
    }

    delete file.secrets[name];
    writeJsonFile(this.file, file);
    return true;
  }

  private persistent(): boolean {
    return this.cipher !== undefined && this.cipher.isAvailable();
  }

  private readFile(): SecretsFile {
    return readJsonFile(this.file, parseSecretsFile, { version: 1, secrets: emptyRecord() });
  }
}
