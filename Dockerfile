# syntax=docker/dockerfile:1
# scaleway_exporter: a static-ish Rust binary on a distroless base, run as a non-root user.
#
#   docker build --build-arg REVISION=$(git rev-parse --short=12 HEAD) -t scaleway-exporter .
#   docker run --rm -p 10059:10059 scaleway-exporter demo
#   docker run --rm -p 10059:10059 -e SCW_SECRET_KEY scaleway-exporter
#
# Tags are pinned; for reproducible builds pin the digests too (`FROM image:tag@sha256:...`).

# ---- builder ---------------------------------------------------------------------------------
FROM rust:1.95.0-bookworm AS builder
WORKDIR /src

# The dependencies first, built against empty crates: this layer is reused as long as the
# manifests, Cargo.lock and build.rs do not change, so a source change rebuilds only the two
# crates of the workspace. The simulator is a workspace member and a dependency of the default
# `demo` feature, so its manifest comes in here too; the manifest names benches/poll.rs, which
# must exist for cargo to read it, and build.rs renders docs/runbook.md (an empty one here).
COPY Cargo.toml Cargo.lock build.rs ./
COPY build ./build
COPY simulator/Cargo.toml simulator/
RUN mkdir -p src simulator/src benches docs \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs simulator/src/lib.rs benches/poll.rs docs/runbook.md \
 && cargo build --release --locked \
 && rm -rf src simulator/src benches docs

# The build has no .git: build.rs takes the revision for scaleway_exporter_build_info from here.
ARG REVISION=unknown
ENV SCALEWAY_EXPORTER_REVISION=${REVISION}
COPY src ./src
COPY simulator/src ./simulator/src
COPY benches ./benches
COPY docs/runbook.md ./docs/
# touch: COPY keeps the files' own times, which may be older than the empty crates' build.
# Every path here is relative to WORKDIR: tests/repository/dockerfile.rs plays these steps in a scratch
# directory, where an absolute path would be the host's.
RUN touch src/main.rs src/lib.rs simulator/src/lib.rs docs/runbook.md \
 && cargo build --release --locked

# ---- runtime ---------------------------------------------------------------------------------
# glibc and libgcc, CA certificates, no shell, and the `nonroot` user (65532).
FROM gcr.io/distroless/cc-debian12:nonroot

ARG REVISION=unknown
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="scaleway_exporter" \
      org.opencontainers.image.description="Prometheus exporter and inventory monitor for Scaleway servers" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="gcr.io/distroless/cc-debian12:nonroot"

COPY --from=builder /src/target/release/scaleway_exporter /usr/local/bin/scaleway_exporter

# Numeric, so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 65532:65532
ENV SCW_EXPORTER_LISTEN_ADDRESS=:10059
EXPOSE 10059

# `health` reads SCW_EXPORTER_LISTEN_ADDRESS like the exporter does, and GETs /healthz on
# loopback; the image has no curl. To serve on another port, set that variable rather than
# the --web.listen-address flag, so that the health check follows.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/scaleway_exporter", "health", "--health.timeout=4s"]

ENTRYPOINT ["/usr/local/bin/scaleway_exporter"]
