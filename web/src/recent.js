// Recent jobs in localStorage, so a reload or a closed tab finds its result again.
// A finished job keeps its result here too, so it stays readable after the job expires.

const KEY = "reels-scripter:recent-jobs";
const MAX_JOBS = 10;
const MAX_RESULTS = 5;

export function loadRecent() {
  try {
    const jobs = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(jobs) ? jobs.filter((j) => j && typeof j.id === "string") : [];
  } catch {
    return [];
  }
}

function save(jobs) {
  // Keep results only for the newest few, so the list stays small.
  let withResult = 0;
  const trimmed = jobs.slice(0, MAX_JOBS).map((j) => {
    if (!j.result) return j;
    withResult += 1;
    return withResult <= MAX_RESULTS ? j : { ...j, result: undefined };
  });
  try {
    localStorage.setItem(KEY, JSON.stringify(trimmed));
  } catch {
    // Storage full or disabled: the page still works, it just forgets.
  }
}

export function findRecent(id) {
  return loadRecent().find((j) => j.id === id) || null;
}

/** Add or update a job (newest first). */
export function rememberJob(job) {
  const jobs = loadRecent();
  const old = jobs.find((j) => j.id === job.id);
  const merged = { ...old, ...job };
  save([merged, ...jobs.filter((j) => j.id !== job.id)]);
}

export function updateJob(id, fields) {
  const jobs = loadRecent();
  const index = jobs.findIndex((j) => j.id === id);
  if (index === -1) return;
  jobs[index] = { ...jobs[index], ...fields };
  save(jobs);
}

export function forgetAll() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing to do
  }
}

export function forgetJob(id) {
  save(loadRecent().filter((j) => j.id !== id));
}
