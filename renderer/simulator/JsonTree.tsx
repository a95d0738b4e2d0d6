/**
 * A JSON value as a collapsible tree. Given a `before` value, keys that were added or changed
 * since then are highlighted and removed keys are listed struck through, which is how the
 * stepper shows what a step did to the plan context.
 */
import { useState } from 'react';

import type { JsonValue } from '../../shared/api/services.js';

type Change = 'added' | 'changed' | 'removed' | 'same';

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function summary(value: JsonValue): string {
  if (Array.isArray(value)) {
    return `[${value.length}]`;
  }
  if (isObject(value)) {
    const model = value.$model;
    if (typeof model === 'string') {
      const label = value.username ?? value.name ?? value.slug ?? value.pk;
      return `${model}${label === undefined ? '' : ` ${JSON.stringify(label)}`}`;
    }
    return `{${Object.keys(value).length}}`;
  }

  return JSON.stringify(value);
}

function Node(props: {
  name: string;
  value: JsonValue;
  before: JsonValue | undefined;
  change: Change;
  depth: number;
}) {
  const { name, value, before, change, depth } = props;
  const branch = Array.isArray(value) || isObject(value);
  const [open, setOpen] = useState(depth < 1 || change !== 'same');

  return (
    <li className={`json-node json-${change}`} data-key={name}>
      <span className="json-row">
        {branch ? (
          <button
            type="button"
            className="json-toggle"
            aria-expanded={open}
            aria-label={`${open ? 'Collapse' : 'Expand'} ${name}`}
            onClick={() => setOpen(!open)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="json-toggle-space" />
        )}
        <span className="json-key">{name}</span>
        <span className="json-value">{branch && open ? '' : summary(value)}</span>
        {change === 'same' ? null : <span className="json-change">{change}</span>}
      </span>
      {branch && open ? (
        <Children
          value={value}
          before={change === 'added' ? undefined : before}
          depth={depth + 1}
        />
      ) : null}
    </li>
  );
}

function Children(props: { value: JsonValue; before: JsonValue | undefined; depth: number }) {
  const { value, before, depth } = props;
  const entries: [string, JsonValue][] = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value as Record<string, JsonValue>);
  const beforeMap: Record<string, JsonValue> | undefined = Array.isArray(before)
    ? Object.fromEntries(before.map((item, index) => [String(index), item]))
    : isObject(before)
      ? before
      : undefined;
  const removed =
    beforeMap === undefined
      ? []
      : Object.keys(beforeMap).filter((key) => !entries.some(([name]) => name === key));

  return (
    <ul className="json-children">
      {entries.map(([key, item]) => {
        let change: Change = 'same';
        if (beforeMap !== undefined) {
          if (!(key in beforeMap)) {
            change = 'added';
          } else if (!same(beforeMap[key], item)) {
            change = 'changed';
          }
        }
        return (
          <Node
            key={key}
            name={key}
            value={item}
            before={beforeMap?.[key]}
            change={change}
            depth={depth}
          />
        );
      })}
      {removed.map((key) => (
        <li key={`removed:${key}`} className="json-node json-removed" data-key={key}>
          <span className="json-row">
            <span className="json-toggle-space" />
            <span className="json-key">{key}</span>
            <span className="json-value">{summary(beforeMap![key]!)}</span>
            <span className="json-change">removed</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Renders a JSON value as a tree; with `before`, marks what changed since then. */
export function JsonTree(props: { value: JsonValue; before?: JsonValue; label?: string }) {
  const empty = isObject(props.value) && Object.keys(props.value).length === 0;
  if (empty && (props.before === undefined || same(props.before, props.value))) {
    return <p className="hint">(empty)</p>;
  }

  return (
    <div className="json-tree" aria-label={props.label}>
      <Children value={props.value} before={props.before} depth={0} />
    </div>
  );
}
