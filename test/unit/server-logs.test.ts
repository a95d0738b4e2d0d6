/**
 * Reading the server's responses: blueprint log events, serializer error reprs, DRF
 * validation errors and the reason of a rejection.
 */
import { describe, expect, it } from 'vitest';

import { validationErrors } from '../../main/server/api.js';
import { describeRejection, readableEvent } from '../../main/server/push.js';
import { checkCommonStatus, formatLogEvent, parseLogEvents } from '../../main/server/responses.js';

const DANGLING_KEY_EVENT =
  "Entry invalid: Serializer errors {'configuration_stages': [ErrorDetail(string='Invalid pk " +
  "\"1f4a7c2e-88d0-4b5a-a3e9-2c6b0d9e7f45\" - object does not exist.', code='does_not_exist')]}";

describe('log events', () => {
  it('keeps objects with a text event and skips the rest', () => {
    const events = parseLogEvents([
      { event: 'one', log_level: 'warning', logger: 'importer', attributes: { entry: 1 } },
      { event: 'two' },
      { log_level: 'warning' },
      'text',
      null,
    ]);

    expect(events).toEqual([
      { level: 'warning', event: 'one', logger: 'importer', attributes: { entry: 1 } },
      { level: 'info', event: 'two' },
    ]);
  });

  it('a missing list is empty', () => {
    expect(parseLogEvents(undefined)).toEqual([]);
  });

  it('formats attributes after the event', () => {
    expect(
      formatLogEvent({ level: 'warning', event: 'x', attributes: { model: 'm', count: 2 } }),
    ).toBe('warning: x (model=m, count=2)');
  });
});

describe('serializer errors', () => {
  it('dangling key reads as field and message', () => {
    expect(readableEvent(DANGLING_KEY_EVENT)).toBe(
      'Entry invalid: configuration_stages: Invalid pk "1f4a7c2e-88d0-4b5a-a3e9-2c6b0d9e7f45" - object does not exist.',
    );
  });

  it('several fields are joined', () => {
    const event =
      "Serializer errors {'name': [ErrorDetail(string='This field is required.', code='required')], " +
      "'slug': [ErrorDetail(string=\"Enter a valid 'slug'.\", code='invalid')]}";

    expect(readableEvent(event)).toBe("name: This field is required.; slug: Enter a valid 'slug'.");
  });

  it('other events stay as they are', () => {
    expect(readableEvent('KeyOf: failed to find entry')).toBe('KeyOf: failed to find entry');
  });

  it('the rejection skips summary events', () => {
    const logs = [
      { level: 'warning', event: DANGLING_KEY_EVENT },
      { level: 'warning', event: 'Blueprint validation failed' },
    ];

    expect(describeRejection(logs)).toMatch(/^Entry invalid: configuration_stages: Invalid pk/);
  });

  it('the rejection names the entry when the log gives it', () => {
    const logs = [
      {
        level: 'warning',
        event: 'Entry invalid: refused',
        attributes: { entry: { model: 'authentik_flows.flow', identifiers: { slug: 'login' } } },
      },
    ];

    expect(describeRejection(logs)).toBe(
      'Entry invalid: refused (entry authentik_flows.flow {"slug":"login"})',
    );
  });
});

describe('validation errors', () => {
  it('reads the content check of an instance', () => {
    const body = { content: ['Failed to validate blueprint', '- Entry invalid: refused'] };

    expect(validationErrors(body)).toEqual([
      { level: 'error', event: 'content: Failed to validate blueprint' },
      { level: 'error', event: 'content: Entry invalid: refused' },
    ]);
  });

  it('reads errors that belong to no field', () => {
    expect(validationErrors({ non_field_errors: ['Either path or content must be set.'] })).toEqual(
      [{ level: 'error', event: 'Either path or content must be set.' }],
    );
  });
});

describe('common statuses', () => {
  const answer = (status: number, text: string) => ({
    status,
    text,
    contentType: 'application/json',
    location: undefined,
    request: 'GET /api/v3/flows/instances/',
  });

  it.each([
    [401, '{"detail": "Invalid token."}', 'server-token-rejected'],
    [403, '{"detail": "Authentication credentials were not provided."}', 'server-token-rejected'],
    [403, '{"detail": "You do not have permission to perform this action."}', 'server-forbidden'],
    [500, 'Internal Server Error', 'server-error'],
    [301, '', 'server-url-invalid'],
  ])('HTTP %i is %s', (status, text, code) => {
    expect(() => checkCommonStatus(answer(status, text), 'https://a.example')).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('other statuses are left to the caller', () => {
    expect(() => checkCommonStatus(answer(404, ''), 'https://a.example')).not.toThrow();
  });
});
