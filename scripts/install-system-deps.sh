#!/usr/bin/env bash
# Installs the Debian packages the project needs (idempotent; quick when all present).
# The Google Cloud emulators come from Google's google-cloud-cli packages; they are
# checked here and installed when Google's apt repository is reachable.
set -euo pipefail

PACKAGES=(
  ffmpeg                      # test media, PyAV's peers
  espeak-ng                   # English speech for test videos
  festival festvox-ru         # Russian speech for test videos
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus  # on-screen text
  openjdk-17-jre-headless     # the Firestore and Pub/Sub emulators
  chromium                    # browser tests
  fonts-dejavu-core           # captions burned into test videos
  poppler-utils               # pdftotext: the printed storyboard is checked as text
  # Real recorded voices for tests/realmedia (docs/real-media.md): Russian and English
  # studio prompts (16 kHz G.722) and, in the plain packages, their texts.
  asterisk-core-sounds-ru asterisk-core-sounds-ru-g722
  asterisk-core-sounds-en asterisk-core-sounds-en-g722
  # Real recorded music with its tempo (the songs' charts) for the music tests.
  fretsonfire-songs-sectoid
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js and npm build the web page (Debian's packages when none is installed).
if ! command -v npm >/dev/null; then
  echo "Installing Node.js and npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi

SDK=/usr/lib/google-cloud-sdk/platform
need_emulators=()
[ -x "$SDK/pubsub-emulator/bin/cloud-pubsub-emulator" ] || need_emulators+=(google-cloud-cli-pubsub-emulator)
[ -x "$SDK/cloud-firestore-emulator/cloud_firestore_emulator" ] || need_emulators+=(google-cloud-cli-firestore-emulator)
if [ ${#need_emulators[@]} -gt 0 ]; then
  echo "Installing Google Cloud emulators: ${need_emulators[*]}"
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_emulators[@]}"; then
    cat >&2 <<MSG
ERROR: the Google Cloud emulators are missing and could not be installed.
They come from Google's apt repository (https://packages.cloud.google.com/apt,
packages ${need_emulators[*]}); add it and run 'make deps' again, or set
CLOUDSDK_PLATFORM_DIR to a google-cloud-sdk/platform folder that has them.
MSG
    exit 1
  fi
fi
