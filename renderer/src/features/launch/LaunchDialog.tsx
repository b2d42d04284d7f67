/**
 * The launch dialog (U5). The editor opens it with the experiment's path and current text;
 * the runs page opens it for an example or a file. On launch it calls `runs.launch` and
 * reports the created run ids.
 */
export interface LaunchDialogProps {
  /** The experiment file (recorded on the run; its directory resolves relative paths). */
  path: string;
  /** The text to run (the editor's unsaved buffer); the file's content when absent. */
  text?: string;
  onClose(): void;
  onLaunched(result: { launchId: string; runIds: string[] }): void;
}

export function LaunchDialog(props: LaunchDialogProps) {
  return (
    <div role="dialog" data-testid="launch-dialog">
      Launch {props.path} <button onClick={props.onClose}>Close</button>
    </div>
  );
}
