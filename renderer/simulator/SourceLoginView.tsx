/**
 * The source-login step of the stepper: the scopes requested and granted, the account the
 * provider returned, the source's decision and the user properties the mappings built. Parts the
 * run never reached are left out, and URLs in the step's notes wrap inside the card.
 */
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import type { SourceLoginDetails } from '../../shared/simulator/trace.js';

const URL_PATTERN = /(https?:\/\/[^\s]+?)(?=[.,;:)]?(?:\s|$))/g;

/** Splits text into plain parts and URLs, so that only URLs may break at any character. */
export function splitUrls(text: string): { text: string; url: boolean }[] {
  const parts: { text: string; url: boolean }[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    if (match.index > last) {
      parts.push({ text: text.slice(last, match.index), url: false });
    }
    parts.push({ text: match[0], url: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) {
    parts.push({ text: text.slice(last), url: false });
  }

  return parts;
}

/** Renders text whose URLs wrap at any character, while words wrap only between words. */
export function TextWithUrls(props: { text: string }) {
  return (
    <>
      {splitUrls(props.text).map((part, index) =>
        part.url ? (
          <span key={index} className="wrap-url">
            {part.text}
          </span>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

function ScopeChips(props: { scopes: readonly string[]; label: string }) {
  return (
    <ul className="chip-list" aria-label={props.label}>
      {props.scopes.map((scope) => (
        <li key={scope} className="chip">
          {scope}
        </li>
      ))}
    </ul>
  );
}

/** Returns the source flow manager's decision in words. */
export function describeDecision(login: SourceLoginDetails): string {
  const user = login.matchedUser === undefined ? 'the connected user' : login.matchedUser;
  switch (login.action) {
    case 'auth':
      return `log in as ${user}, the user this account is connected to`;
    case 'link':
      return `connect this account to ${user}, who is logged in`;
    case 'enroll':
      return 'enroll a new user, because no user is connected to this account';
    case 'deny':
      return 'deny the login';
    case undefined:
      return '';
  }
}

function valueText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Renders the details of a login through an OAuth source. */
export function SourceLoginView(props: { login: SourceLoginDetails }) {
  const { login } = props;
  const granted = login.grantedScope?.split(/\s+/).filter((scope) => scope !== '') ?? [];
  const properties = Object.entries(login.properties ?? {});

  return (
    <dl className="source-login" data-testid="source-login">
      <dt>Requested scopes</dt>
      <dd>
        <ScopeChips scopes={login.requestedScopes} label="Requested scopes" />
      </dd>
      <dt>Granted scopes</dt>
      <dd>
        {login.grantedScope === undefined ? (
          <span className="muted">none: no token came</span>
        ) : (
          <ScopeChips scopes={granted} label="Granted scopes" />
        )}
      </dd>
      {login.identifier === undefined ? null : (
        <>
          <dt>Account id</dt>
          <dd>
            <code>{login.identifier}</code>
          </dd>
        </>
      )}
      {login.action === undefined ? null : (
        <>
          <dt>Source decision</dt>
          <dd data-testid="source-decision">{describeDecision(login)}</dd>
        </>
      )}
      {properties.length === 0 ? null : (
        <>
          <dt title="The user's fields after the base properties and the property mappings">
            User properties
          </dt>
          <dd>
            <ul className="property-list">
              {properties.map(([key, value]) => (
                <li key={key}>
                  <code>{key}</code>: <TextWithUrls text={valueText(value)} />
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </dl>
  );
}
