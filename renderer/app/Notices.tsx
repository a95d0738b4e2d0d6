/** Toasts and the progress of long work, in the corner of the window. */
import { useNotices } from '../state/notice-store.js';

/** Renders the notice area. */
export function Notices() {
  const toasts = useNotices((state) => state.toasts);
  const progress = useNotices((state) => state.progress);

  return (
    <div className="notices" aria-live="polite">
      {progress.map((item) => (
        <div key={item.id} className="toast toast-progress" role="status">
          <div>
            {item.title}
            {item.detail === '' ? '' : `: ${item.detail}`}
          </div>
          {item.total === null ? (
            <progress aria-label={item.title} />
          ) : (
            <progress aria-label={item.title} max={item.total} value={item.done} />
          )}
        </div>
      ))}
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast toast-${toast.tone}`}
          role={toast.tone === 'error' ? 'alert' : 'status'}
        >
          {toast.code === undefined ? null : <code className="toast-code">{toast.code}</code>}
          <span>{toast.message}</span>
          <button
            type="button"
            aria-label="Dismiss"
            onClick={() => useNotices.getState().dismissToast(toast.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
