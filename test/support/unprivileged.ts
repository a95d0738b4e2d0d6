/**
 * Running a child process that obeys file permission bits. Root passes every permission check
 * through its DAC_OVERRIDE and DAC_READ_SEARCH capabilities, so under root the child is started
 * through util-linux's `setpriv` with those capabilities (and FOWNER) removed from its bounding
 * set. It keeps root's uid, so it can still read the checkout, however the folder is laid out.
 */

/** Tells whether the tests run as root. */
export const isRoot = process.getuid?.() === 0;

/** Returns the command and arguments that run `command args` without the permission overrides. */
export function withoutPermissionOverrides(command: string, args: string[]): [string, string[]] {
  if (!isRoot) {
    return [command, args];
  }

  return [
    'setpriv',
    ['--bounding-set=-dac_override,-dac_read_search,-fowner', '--', command, ...args],
  ];
}
