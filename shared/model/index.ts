/** The model layer: catalogue, facts beyond the schema, and typed views of authentik objects. */
export * from './catalog.js';
export * from './core.js';
export * from './field-check.js';
export * from './fields.js';
export * from './flows.js';
export * from './object.js';
export * from './policies.js';
export * from './prompts.js';
export * from './sources.js';
export * from './stages.js';
export * from './values.js';
export * from './versions.js';
export * from './view.js';
