/** The flow simulator: runs authentik flows offline and explains every decision in a trace. */
export { applyEffectsToProject, type AppliedEffects } from './apply-effects.js';
export { SimulationCache, type SimulationCacheOptions } from './cache.js';
export { SimulatedDirectory, type DirectoryUser } from './directory.js';
export { INPUT_KEYS, stageInputKey } from './inputs.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { loadPersonas, savePersona } from './personas.js';
export { simulateFlow, type SimulationOptions } from './simulate.js';
export { SIMULATED_STAGES } from './stages/registry.js';
export { SimulationHalt, type ExpressionEvaluator, type SimSession } from './types.js';
