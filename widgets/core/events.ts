/** The event StateLink dispatches on a widget's element: detail = { values: Record<string, unknown> }. */
export const SET_STATE_EVENT = 'iw:set-state';
