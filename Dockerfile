# Multi-stage cgo build: DuckDB links statically from duckdb-go-bindings,
# the runtime needs glibc and libstdc++ of the same Debian release.
FROM golang:1.26-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
# the patched fpdf the go.mod replaces (third_party/fpdf/README.channelscope.md)
COPY third_party ./third_party
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/channelscope ./cmd/channelscope

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libstdc++6 tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 channelscope
COPY --from=build /out/channelscope /usr/local/bin/channelscope
USER channelscope
WORKDIR /data
# Mount a workspace with its channelscope.yaml at /data.
ENTRYPOINT ["channelscope"]
CMD ["run", "--config", "/data/channelscope.yaml"]
