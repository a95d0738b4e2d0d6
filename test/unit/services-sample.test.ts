import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ProjectStore } from '../../main/project/index.js';
import { ensureSampleProject } from '../../main/services/sample.js';
import { createServiceFixture } from '../support/services.js';
import type { ServiceFixture } from '../support/services.js';

let fixture: ServiceFixture;

beforeEach(() => {
  fixture = createServiceFixture();
});

afterEach(() => {
  fixture.dispose();
});

describe('sample project', () => {
  it('opens with nothing to undo', async () => {
    const snapshot = await fixture.services.handlers.project.openSample({});

    expect(snapshot.objects.length).toBeGreaterThan(0);
    expect(snapshot.canUndo).toBe(false);
    expect(snapshot.canRedo).toBe(false);
  });

  it('undo after first start keeps the objects', async () => {
    const opened = await fixture.services.handlers.project.openSample({});

    await expect(fixture.services.handlers.project.undo({})).rejects.toMatchObject({
      code: 'nothing-to-undo',
    });

    const current = await fixture.services.handlers.project.current({});
    expect(current?.objects).toHaveLength(opened.objects.length);
  });

  it('first edit is the only undo step', async () => {
    const opened = await fixture.services.handlers.project.openSample({});
    const flow = opened.objects.find((object) => object.model === 'authentik_flows.flow');
    if (flow === undefined) {
      throw new Error('the sample project has no flow');
    }

    await fixture.services.handlers.project.apply({
      changes: [{ kind: 'object.delete', object: flow }],
      label: 'Delete flow',
    });
    await fixture.services.handlers.project.undo({});

    const current = await fixture.services.handlers.project.current({});
    expect(current?.objects).toHaveLength(opened.objects.length);
    expect(current?.canUndo).toBe(false);
    expect(current?.canRedo).toBe(true);
  });

  it('file keeps its import log and no history', () => {
    const path = ensureSampleProject(fixture.environment);
    const store = ProjectStore.open(path, { readOnly: true });
    try {
      expect(store.history()).toEqual([]);
      expect(store.imports.list()).toHaveLength(1);
      expect(store.info().objectCount).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });
});
