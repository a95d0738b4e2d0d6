import { describe, expect, it } from 'vitest';

import { availableNames } from '../../shared/editor/api-globals.js';
import { MAPPING_VARIABLES } from '../../shared/editor/mapping-variables.js';
import { MODEL_SPECS } from '../../shared/model/catalog.generated.js';

function namesOf(model: string): { names: string[]; complete: boolean } {
  const { names, complete } = availableNames('property_mapping', model);
  return { names: names.map((item) => item.name), complete };
}

describe('mapping variables', () => {
  it('lists the SAML provider variables', () => {
    const { names, complete } = namesOf('authentik_providers_saml.samlpropertymapping');

    expect(complete).toBe(true);
    for (const name of ['user', 'provider', 'request', 'http_request', 'SkipObject']) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain('properties');
  });

  it('lists the scope mapping variables', () => {
    const { names, complete } = namesOf('authentik_providers_oauth2.scopemapping');

    expect(complete).toBe(true);
    for (const name of ['user', 'provider', 'token', 'request', 'http_request']) {
      expect(names).toContain(name);
    }
  });

  it('gives outgoing sync mappings no user variable', () => {
    const { names, complete } = namesOf('authentik_providers_scim.scimmapping');

    expect(complete).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['provider', 'connection', 'group']));
    expect(names).not.toContain('user');
  });

  it('lists the LDAP source variables', () => {
    const { names } = namesOf('authentik_sources_ldap.ldapsourcepropertymapping');

    expect(names).toEqual(expect.arrayContaining(['ldap', 'dn', 'source', 'properties']));
  });

  it('lists the notification webhook variables', () => {
    const { names, complete } = namesOf('authentik_events.notificationwebhookmapping');

    expect(complete).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['notification', 'user', 'request']));
  });

  it('marks unread call sites incomplete', () => {
    for (const model of [
      'authentik_sources_plex.plexsourcepropertymapping',
      'authentik_sources_telegram.telegramsourcepropertymapping',
      'authentik_sources_kerberos.kerberossourcepropertymapping',
    ]) {
      expect(namesOf(model).complete, model).toBe(false);
    }
  });

  it('falls back to the generic list', () => {
    const { names, complete } = namesOf('authentik_example.unknownmapping');

    expect(complete).toBe(false);
    expect(names).toContain('user');
  });

  it('covers every mapping model of the catalog', () => {
    const mappingModels = MODEL_SPECS.map((item) => item.model).filter(
      (model) =>
        model.endsWith('propertymapping') ||
        model.endsWith('providermapping') ||
        model.endsWith('.scopemapping') ||
        model.endsWith('.scimmapping') ||
        model.endsWith('webhookmapping'),
    );

    expect(mappingModels.length).toBeGreaterThan(10);
    for (const model of mappingModels) {
      expect(MAPPING_VARIABLES[model], model).toBeDefined();
    }
  });

  it('gives every variable a description', () => {
    for (const [model, entry] of Object.entries(MAPPING_VARIABLES)) {
      for (const item of entry.variables) {
        expect(item.doc.length, `${model} ${item.name}`).toBeGreaterThan(0);
      }
    }
  });
});
