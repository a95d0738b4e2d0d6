/** The secret store's cipher under Electron: `safeStorage`, backed by the OS key store. */
import type { SafeStorage } from 'electron';

import type { SecretCipher } from '../services/secrets.js';

/**
 * Wraps `safeStorage` as a SecretCipher. On Linux without a key ring (no GNOME Keyring or
 * KWallet) Electron falls back to `basic_text`, a hard-coded key that protects nothing, so that
 * backend counts as unavailable and secrets stay in memory.
 */
export function createSafeStorageCipher(
  safeStorage: SafeStorage,
  platform: string = process.platform,
): SecretCipher {
  return {
    isAvailable() {
      if (!safeStorage.isEncryptionAvailable()) {
        return false;
      }
      return platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
    },
    encrypt: (plainText) => safeStorage.encryptString(plainText),
    decrypt: (encrypted) => safeStorage.decryptString(Buffer.from(encrypted)),
  };
}
