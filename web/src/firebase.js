// One Firebase app for the page: Firestore (the job listener, "Мои разборы") and
// Auth (an anonymous user, signed in on the first visit, no form). Locally both
// talk to the emulators named in config.json.
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import { collection, connectFirestoreEmulator, doc, getDoc, getDocs, getFirestore, limit, query, where } from "firebase/firestore";

let app = null;
let firestore = null;
let auth = null;

function getApp(config) {
  if (!app) app = initializeApp(config.firebase);
  return app;
}

export function getDb(config) {
  if (!firestore) {
    firestore = getFirestore(getApp(config));
    const emulator = config.firestoreEmulator;
    if (emulator) connectFirestoreEmulator(firestore, emulator.host, Number(emulator.port));
  }
  return firestore;
}

function getAuthOf(config) {
  if (!auth) {
    auth = getAuth(getApp(config));
    if (config.authEmulator) connectAuthEmulator(auth, config.authEmulator, { disableWarnings: true });
  }
  return auth;
}

// One anonymous sign-in at a time: two callers on a first visit (the history and a
// job opened by its link) would each make a user, and the first one's query would
// go out as a user who no longer is the signed-in one.
let signingIn = null;

/** The signed-in user, signing in anonymously the first time (kept by the browser). */
export async function currentUser(config) {
  const a = getAuthOf(config);
  await a.authStateReady();
  if (!a.currentUser) {
    signingIn ||= signInAnonymously(a).finally(() => {
      signingIn = null;
    });
    await signingIn;
  }
  return a.currentUser;
}

/** A fresh ID token for `Authorization: Bearer` (the SDK refreshes it when needed). */
export async function idToken(config) {
  const user = await currentUser(config);
  return user.getIdToken();
}

// At most this many of the user's jobs are listed (firestore.rules allows up to 100).
const HISTORY_LIMIT = 100;

// Each job's private document (owner, file name...): only its owner may read it
// (firestore.rules); the public one (jobs/{id}) is what a shared link shows.
function privateJobs(config) {
  const name = config.privateJobsCollection || `${config.jobsCollection || "jobs"}_private`;
  return collection(getDb(config), name);
}

/** The user's own jobs from Firestore, newest first: [{id, filename, state, createdAt}]. */
export async function myJobs(config) {
  const user = await currentUser(config);
  const jobs = privateJobs(config);
  const snap = await getDocs(query(jobs, where("owner", "==", user.uid), limit(HISTORY_LIMIT)));
  return snap.docs
    .map((d) => {
      const data = d.data();
      return {
        id: d.id,
        filename: data.filename,
        state: data.state,
        createdAt: data.created_at?.toMillis ? data.created_at.toMillis() : null,
      };
    })
    .sort((a, b) => (b.createdAt || 0) - (a.createdAt || 0));
}

/** The job's file name if the signed-in user owns it, else null (a shared link's
 * viewer is refused the private document, and sees no file name). */
export async function ownFilename(config, jobId) {
  try {
    await currentUser(config);
    const snap = await getDoc(doc(privateJobs(config), jobId));
    return snap.exists() ? snap.get("filename") || null : null;
  } catch {
    return null; // not the owner (permission denied), or offline
  }
}
