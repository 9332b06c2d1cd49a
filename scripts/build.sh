#!/usr/bin/env bash
# Compiles the coordinator, the extension workers and the CLI to plain JavaScript, once, for the images
# (deploy/images/build-signalbox-image.sh, deploy/docker/signalbox.Dockerfile). OUT mirrors the checkout:
# OUT/services/coordinator/src/main.js, OUT/shared/src/…, OUT/proto, OUT/bin and OUT/package.json, so the
# package's "imports" (#shared/* → ./shared/src/*, and the source's `.js` specifiers) and the paths the
# code reads at run time (proto/ from shared/src/grpc-contract, package.json from the CLI) hold unchanged.
# tsconfig.build.json starts from the three entry points, so only what they import is emitted: no tests,
# no test support. Development and the tests keep running the TypeScript itself (tsx, vitest).
#
#   bash scripts/build.sh [OUT]    (npm run build: OUT=dist)
#   node dist/services/coordinator/src/main.js
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
mkdir -p "$out"
# Only what this script writes, so a stale module from a deleted source never survives a rebuild.
rm -rf -- "${out:?}/shared/src" "${out:?}/services" "${out:?}/bin" "${out:?}/proto"
node_modules/.bin/tsc -p tsconfig.build.json --outDir "$out"
cp -r bin proto package.json package-lock.json "$out/"
# Files the code reads beside its modules (a template), wherever they are. Test data stays out, and so do
# the .lua files: the renderers carry them embedded (shared/src/gen/lua-sources.ts).
find shared/src services -type f ! -name '*.ts' ! -path '*/testdata/*' ! -name '*.lua' -exec cp --parents {} "$out/" \;
