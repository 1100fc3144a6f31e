# syntax=docker/dockerfile:1
# Multi-stage build of the relay: the SDK image builds and publishes, the runtime image runs it as a
# non-root user. Build from the repository root:  docker build -t mtasts-relay .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is cached until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/MtaSts/MtaSts.csproj src/MtaSts/
COPY src/MtaStsRelay/MtaStsRelay.csproj src/MtaStsRelay/
RUN dotnet restore src/MtaStsRelay/MtaStsRelay.csproj
COPY src/ src/
RUN dotnet publish src/MtaStsRelay/MtaStsRelay.csproj -c Release --no-restore -o /app

# The ASP.NET Core runtime image: the relay serves its opt-in /metrics and /health with Kestrel. To
# scrape from outside the container set Relay__Metrics__Enabled=true, Relay__Metrics__Address=0.0.0.0
# and publish port 9425 (docs/metrics.md).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The queue and the policy cache live on volumes so they survive container replacement: a lost
# spool loses accepted mail, a lost policy cache reopens the MTA-STS downgrade window.
ENV Relay__Spool__Path=/var/spool/mtasts-relay \
    Relay__MtaSts__CachePath=/var/lib/mtasts-relay/policy-cache \
    Relay__Listen__0__Address=0.0.0.0 \
    Relay__Listen__0__Port=25 \
    DOTNET_gcServer=0
RUN mkdir -p /var/spool/mtasts-relay /var/lib/mtasts-relay/policy-cache \
 && chown -R app:app /var/spool/mtasts-relay /var/lib/mtasts-relay
VOLUME ["/var/spool/mtasts-relay", "/var/lib/mtasts-relay"]
EXPOSE 25
# The image's non-root user. Docker 20.10+ sets net.ipv4.ip_unprivileged_port_start=0 in the
# container, so a non-root process may bind port 25; on other runtimes set Relay__Listen__0__Port=2525
# and publish 25:2525. Set Relay__AllowedNetworks__0 to your Exchange servers' network: the default
# allows loopback only.
USER app
ENTRYPOINT ["dotnet", "mtasts-relay.dll"]
