/** What a server action answers a form: the result, or an error with messages per field. Shared by server actions and client forms. */
export type ActionState<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string>; values?: Record<string, string> }
  | null;

export type FormActionFn<T> = (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>;
