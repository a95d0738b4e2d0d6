/** The list of recently opened projects, kept in the app data folder and shared by all windows. */
import { basename, extname } from 'node:path';

import type { RecentProject } from '../../shared/api/services.js';
import { isRecord, readJsonFile, writeJsonFile } from './json-file.js';

/** How many projects the list keeps; File > Open Recent shows them all. */
export const MAX_RECENT_PROJECTS = 15;

interface RecentFile {
  version: 1;
  projects: RecentProject[];
}

function parseRecentFile(data: unknown): RecentProject[] | undefined {
  if (!isRecord(data) || data.version !== 1 || !Array.isArray(data.projects)) {
    return undefined;
  }

  // Skip malformed items instead of dropping the whole list.
  return data.projects.filter(
    (item): item is RecentProject =>
      isRecord(item) &&
      typeof item.path === 'string' &&
      typeof item.name === 'string' &&
      typeof item.openedAt === 'string',
  );
}

/** Reads and updates `recent.json`. Every call reads the file, so windows see each other's opens. */
export class RecentProjects {
  constructor(private readonly file: string) {}

  /** Returns the projects, most recently opened first. */
  list(): RecentProject[] {
    return readJsonFile(this.file, parseRecentFile, []);
  }

  /** Puts a project at the top of the list and returns the new list. */
  add(path: string, name?: string): RecentProject[] {
    const entry: RecentProject = {
      path,
      name: name ?? basename(path, extname(path)),
      openedAt: new Date().toISOString(),
    };
    const projects = [entry, ...this.list().filter((item) => item.path !== path)].slice(
      0,
      MAX_RECENT_PROJECTS,
    );

    this.save(projects);
    return projects;
  }

  /** Removes a project from the list and returns the new list. */
  remove(path: string): RecentProject[] {
    const projects = this.list().filter((item) => item.path !== path);

    this.save(projects);
    return projects;
  }

  private save(projects: RecentProject[]): void {
    const content: RecentFile = { version: 1, projects };
    writeJsonFile(this.file, content);
  }
}
