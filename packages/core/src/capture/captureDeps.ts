import type { ChangeLog, Clock, CognitoReader, EventTrail } from '../ports.js';
import type { SnapshotStore } from '../snapshots/snapshotStore.js';

export interface CaptureDeps {
  reader: CognitoReader;
  changeLog: ChangeLog;
  clock: Clock;
  /**
   * Where the head state is replayed from, to name a user Cognito no longer has (a deletion: the
   * event gives only the sub, and ListUsers finds nobody). Without it such users go to reconcile.
   */
  snapshots?: SnapshotStore;
  /**
   * The pool holding an app client: public calls (SignUp, ConfirmSignUp, ForgotPassword…) name only
   * their client. Without it, or when no watched pool has the client, the event goes to reconcile.
   * `poolOfClientFromLog` answers from the recorded clients of the watched pools.
   */
  poolOfClient?: (clientId: string) => Promise<string | undefined>;
  /** Where every event received is kept once, failed calls included: the audit trail. */
  trail?: EventTrail;
}
