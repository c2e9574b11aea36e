// The dashboard's routes, built from values with each part encoded.

const e = encodeURIComponent;

export const links = {
  home: () => '#/',
  workflow: (acc, wf, query) => `#/a/${e(acc)}/w/${e(wf)}` + (query ? '?' + query : ''),
  instance: (acc, wf, id) => `#/a/${e(acc)}/w/${e(wf)}/i/${e(id)}`,
  bulk: (acc, wf) => `#/a/${e(acc)}/w/${e(wf)}/bulk`,
  audit: (acc) => `#/a/${e(acc)}/audit`,
};

/** The statuses in the order a person reads a run: before, during, after. */
export const STATUSES = ['queued', 'running', 'waiting', 'waitingForPause', 'paused', 'rollingBack', 'complete', 'errored', 'terminated'];
