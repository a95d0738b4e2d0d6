/**
 * The palette's entries: every stage and policy type of the model catalogue, plus groups and
 * users, which policy bindings can bind too.
 */
import { modelsInGroup } from '../../shared/model/fields.js';
import { modelTitle } from '../model/names.js';
import { GROUP_MODEL, USER_MODEL } from '../model/project-index.js';

/** The drag data type of a palette entry; the data is the model name. */
export const PALETTE_MIME = 'application/x-stagecraft-model';

/** The drag data type of an object of the project; the data is its uid. */
export const PROJECT_OBJECT_MIME = 'application/x-stagecraft-object';

/** One palette entry. */
export interface PaletteEntry {
  model: string;
  title: string;
}

/** A titled group of palette entries. */
export interface PaletteSection {
  title: string;
  entries: PaletteEntry[];
}

function entries(models: readonly string[]): PaletteEntry[] {
  return models
    .map((model) => ({ model, title: modelTitle(model) }))
    .sort((a, b) => a.title.localeCompare(b.title));
}

/** Lists the palette sections: stages, policies, and groups and users. */
export function paletteSections(): PaletteSection[] {
  return [
    { title: 'Stages', entries: entries(modelsInGroup('stage')) },
    { title: 'Policies', entries: entries(modelsInGroup('policy')) },
    { title: 'Groups and users', entries: entries([GROUP_MODEL, USER_MODEL]) },
  ];
}
