/**
 * The screen shown when rendering fails: what failed, the details to copy into a report, and a
 * reload button. The project is saved after every change, so reloading loses nothing.
 */
import type { ErrorInfo, ReactNode } from 'react';
import { Component } from 'react';

interface ErrorBoundaryState {
  error: Error | null;
  componentStack: string;
}

function describe(error: Error, componentStack: string): string {
  const code = (error as { code?: unknown }).code;

  return [
    `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`,
    '',
    error.stack ?? '',
    '',
    'Component stack:',
    componentStack.trim(),
  ].join('\n');
}

/** Catches rendering errors of its children. */
export class ErrorBoundary extends Component<{ children: ReactNode }, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null, componentStack: '' };

  static getDerivedStateFromError(error: Error): Partial<ErrorBoundaryState> {
    return { error };
  }

  override componentDidCatch(_error: Error, info: ErrorInfo): void {
    this.setState({ componentStack: info.componentStack ?? '' });
  }

  override render(): ReactNode {
    const { error, componentStack } = this.state;
    if (error === null) {
      return this.props.children;
    }

    const details = describe(error, componentStack);

    return (
      <main className="error-screen" role="alert">
        <h1>Stagecraft stopped drawing this window</h1>
        <p>
          Your project is saved after every change, so reloading loses nothing. If it happens again,
          copy the details into a bug report.
        </p>
        <pre className="code">{details}</pre>
        <div className="error-actions">
          <button type="button" onClick={() => void navigator.clipboard.writeText(details)}>
            Copy details
          </button>
          <button type="button" className="primary" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      </main>
    );
  }
}
