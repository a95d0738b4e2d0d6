/**
 * Asking for a secret on the terminal without echo, for the API token and push-time values.
 */
import { StagecraftError } from '../../shared/errors.js';

/** The input side of a terminal; `setRawMode` exists only when it is a TTY. */
export interface PromptInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/**
 * Returns a prompt function over the process's terminal, or undefined when standard input or
 * standard error is not a terminal (a pipe, CI), where no user can type an answer.
 */
export function terminalPrompt(): ((question: string) => Promise<string>) | undefined {
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) {
    return undefined;
  }

  return (question) => readHidden(process.stdin, process.stderr, question);
}

/**
 * Writes `question` and reads one line without showing what is typed. Backspace deletes,
 * Enter or Ctrl+D finishes, and Ctrl+C rejects with a `usage` error.
 */
export function readHidden(
  input: PromptInput,
  output: NodeJS.WritableStream,
  question: string,
): Promise<string> {
  output.write(question);
  input.setRawMode?.(true);
  input.setEncoding('utf8');
  input.resume();

  return new Promise((resolve, reject) => {
    let value = '';

    const finish = (): void => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
    };

    function onData(chunk: string | Buffer): void {
      for (const character of String(chunk)) {
        if (character === '\r' || character === '\n' || character === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (character === '\u0003') {
          finish();
          reject(new StagecraftError('usage', 'Cancelled at the prompt; nothing was sent.'));
          return;
        }
        if (character === '\u007f' || character === '\b') {
          value = value.slice(0, -1);
          continue;
        }
        value += character;
      }
    }

    input.on('data', onData);
  });
}
