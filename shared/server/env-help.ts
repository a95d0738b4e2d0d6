/**
 * The explanation of `!Env` shown before a push, by the app's push dialog and by
 * `stagecraft push`, so both explain it in the same words.
 */

/** The source of `!Env` values in authentik, and the two ways to give one at push time. */
export const ENV_EXPLANATION: readonly string[] = [
  'authentik resolves !Env NAME on the server: it reads the environment of the authentik server ' +
    'process (for example a variable in its docker-compose file or Helm values), never the ' +
    'environment of this computer.',
  'Leave a variable to the server when it is set there. Otherwise give its value at push time: ' +
    'a one-shot import writes the value into the blueprint it sends, so it ends up in the ' +
    "object's field on the server and nowhere else. A managed blueprint instance keeps the value " +
    'in the instance context instead and the pushed blueprint reads it with !Context, so later ' +
    're-applies still find it. Administrators who may view blueprint instances can read that ' +
    'context.',
  'Stagecraft never stores a value given at push time.',
];
