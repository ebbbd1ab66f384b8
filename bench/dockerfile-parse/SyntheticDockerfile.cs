using System.Text;

namespace Hyper.Bench.DockerfileParse;

/// <summary>
/// Writes a realistic multi-stage Dockerfile of a given length: stages with ARG/ENV, RUN with long
/// continuations, here-documents, COPY with flags, and the odd HEALTHCHECK, LABEL and comment.
/// </summary>
internal static class SyntheticDockerfile
{
    public static string Generate(int lines)
    {
        var text = new StringBuilder();
        var count = 0;

        void Line(string line)
        {
            text.Append(line).Append('\n');
            count++;
        }

        Line("# syntax=docker/dockerfile:1.7");
        Line("ARG GO_VERSION=1.23");
        Line("ARG ALPINE_VERSION=3.20");
        for (var stage = 0; count < lines; stage++)
        {
            Line("");
            Line($"# stage{stage} builds component {stage} of the service");
            Line($"FROM --platform=$BUILDPLATFORM golang:${{GO_VERSION}}-alpine${{ALPINE_VERSION}} AS stage{stage}");
            Line("ARG TARGETOS TARGETARCH");
            Line($"ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH COMPONENT=\"component {stage}\"");
            Line("WORKDIR /src");
            Line("RUN apk add --no-cache \\");
            foreach (var package in new[] { "git", "make", "curl", "ca-certificates", "build-base", "openssl" })
            {
                Line($"    {package} \\");
            }

            Line("    && rm -rf /var/cache/apk/*");
            Line("# dependencies are cached between builds");
            Line("COPY --link go.mod go.sum ./");
            Line("RUN --mount=type=cache,target=/go/pkg/mod \\");
            Line("    --mount=type=cache,target=/root/.cache/go-build \\");
            Line("    go mod download -x");
            Line($"COPY --link --chown=1000:1000 [\"cmd/component{stage}\", \"/src/cmd/component{stage}\"]");
            Line("RUN <<EOF");
            Line("set -eux");
            Line($"go build -trimpath -ldflags=\"-s -w\" -o /out/component{stage} ./cmd/component{stage}");
            Line("strip /out/* || true");
            Line("EOF");
            Line($"COPY <<-'CONF' /etc/component{stage}.conf");
            Line("\tlisten = \":8080\"");
            Line("\tlog_level = \"info\"");
            Line("\tCONF");
            Line($"LABEL org.opencontainers.image.title=\"component{stage}\" \\");
            Line("      org.opencontainers.image.source=\"https://example.com/repo\"");
            Line("HEALTHCHECK --interval=30s --timeout=3s CMD [\"/out/probe\", \"--quiet\"]");
            Line($"CMD [\"/out/component{stage}\", \"--config\", \"/etc/component{stage}.conf\"]");
        }

        return text.ToString();
    }
}
