using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mlflow.Testing;
using Mlflow.Tracing.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Mlflow.Tracing.Tests;

/// <summary>The exporter's wiring: dependency injection, experiments by id or name, a server that is down, a server that cannot store spans.</summary>
public sealed class ExporterTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Dependency_injection_uses_the_registered_client_options_and_creates_the_named_experiment()
    {
        var experiment = ServerFixture.NewName("di");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMlflowClient(o =>
        {
            o.TrackingUri = fixture.Uri.ToString();
            o.EnvironmentSource = MlflowEnvironment.Empty;
        });
        builder.Services.AddOpenTelemetry().WithTracing(t => t.AddMlflowExporter(o => o.ExperimentName = experiment));
        string traceId;
        using (var host = builder.Build())
        {
            await host.StartAsync();
            using (var span = MlflowTracing.StartSpan("handle_request", SpanType.Chain, inputs: new { path = "/ask" }))
            {
                traceId = span.TraceId!;
            }
            host.Services.GetRequiredService<TracerProvider>().ForceFlush();
            await host.StopAsync();
        }

        var trace = await fixture.WaitForTraceAsync(traceId, spans: 1);
        Assert.Equal(await fixture.ExperimentIdAsync(experiment), trace.ExperimentId);
        Assert.Equal("handle_request", trace.Tags["mlflow.traceName"]);
    }

    [Fact]
    public async Task A_trace_sent_while_the_server_is_down_is_retried_and_arrives()
    {
        var experiment = ServerFixture.NewName("down");
        var experimentId = (await fixture.Client.Api.Api.V20.Mlflow.Experiments.Create.PostAsync(new() { Name = experiment }))!.ExperimentId!;
        await using var proxy = new DelayedProxy(fixture.Uri);
        var logs = new LogCapture();
        using var loggerFactory = logs.Factory();
        string traceId;
        using (var provider = MlflowTracing.CreateTracerProvider(o =>
        {
            o.Client = ServerFixture.Options(proxy.Uri);
            o.LoggerFactory = loggerFactory;
            o.ExperimentId = experimentId;
            o.RetryInitialDelay = TimeSpan.FromMilliseconds(100);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(400);
            o.MaxExportRetries = 20;
            o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 50;
        }))
        {
            using (var span = MlflowTracing.StartSpan("while_down", SpanType.Chain, inputs: new { attempt = 1 }))
            {
                traceId = span.TraceId!;
            }
            // The batch processor exports in the background; the first attempts find nothing listening.
            var waited = 0;
            while (!logs.Entries.Any(e => e.Message.Contains("failed transiently", StringComparison.Ordinal)) && waited++ < 200) await Task.Delay(50);
            Assert.Equal(0, proxy.Connections);
            proxy.Start();
            Assert.True(provider.ForceFlush(30_000));
        }

        var trace = await fixture.WaitForTraceAsync(traceId, spans: 1);
        Assert.Equal(experimentId, trace.ExperimentId);
        Assert.Equal(1L, (long)trace.RootSpan!.Inputs!["attempt"]!);
        Assert.True(proxy.Connections > 0);
        Assert.Contains(logs.Entries, e => e.Message.Contains("failed transiently", StringComparison.Ordinal));
    }

    [Fact]
    public void The_exporter_never_throws_into_the_application()
    {
        // Nothing listens on this port: every export fails, the application does not notice.
        var closed = new Uri($"http://127.0.0.1:{FreePort()}");
        var logs = new LogCapture();
        using var loggerFactory = logs.Factory();
        using var provider = MlflowTracing.CreateTracerProvider(o =>
        {
            o.Client = ServerFixture.Options(closed);
            o.LoggerFactory = loggerFactory;
            o.ExperimentName = "unreachable";
            o.ExportProcessorType = ExportProcessorType.Simple;
            o.MaxExportRetries = 0;
        });
        var exception = Record.Exception(() =>
        {
            using var span = MlflowTracing.StartSpan("unreachable", SpanType.Chain, inputs: new { x = 1 });
            Assert.True(span.IsRecording);
            span.SetOutputs(new { y = 2 });
        });
        Assert.Null(exception);
        // The failure was reported to the log, not to the caller.
        Assert.Contains(logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("MLflow", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_cannot_store_spans_gets_the_trace_info_only()
    {
        await using var server = new MlflowTestServer(new MlflowTestServerOptions { SupportsSpanLogging = false });
        var uri = await server.StartAsync();
        using var client = new MlflowClient(ServerFixture.Options(uri));
        string traceId;
        using (var provider = MlflowTracing.CreateTracerProvider(o =>
        {
            o.Client = ServerFixture.Options(uri);
            o.ExperimentId = "0";
            o.ExportProcessorType = ExportProcessorType.Simple;
        }))
        {
            for (var i = 0; i < 2; i++)
            {
                using var span = MlflowTracing.StartSpan("no_span_store", SpanType.Chain, inputs: new { i });
                traceId = span.TraceId!;
            }
            using (var last = MlflowTracing.StartSpan("last", SpanType.Chain))
            {
                traceId = last.TraceId!;
            }
            provider.ForceFlush();
        }
        var trace = await client.GetTraceAsync(traceId);
        Assert.Empty(trace.Spans);
        Assert.Equal("last", trace.Tags["mlflow.traceName"]);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What the exporter sends on the wire: credentials and headers from the client options, on both paths.</summary>
public sealed class ExporterWireTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private sealed class Recorder : DelegatingHandler
    {
        public Recorder() : base(new SocketsHttpHandler())
        {
        }

        public System.Collections.Concurrent.ConcurrentQueue<(string Path, string? Authorization, string? Experiment, string? Custom, string? Agent, string? Type)> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue((
                request.RequestUri!.AbsolutePath,
                request.Headers.Authorization?.ToString(),
                request.Headers.TryGetValues("x-mlflow-experiment-id", out var e) ? e.Single() : null,
                request.Headers.TryGetValues("X-Team", out var c) ? c.Single() : null,
                request.Headers.UserAgent.ToString(),
                request.Content?.Headers.ContentType?.MediaType));
            return base.SendAsync(request, cancellationToken);
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            SendAsync(request, cancellationToken).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task Spans_and_trace_info_carry_the_client_credentials_and_headers()
    {
        var recorder = new Recorder();
        var options = ServerFixture.Options(fixture.Uri);
        options.Token = "secret-token";
        options.DefaultHeaders["X-Team"] = "search";
        string traceId;
        using (var provider = MlflowTracing.CreateTracerProvider(o =>
        {
            o.Client = options;
            o.ExperimentName = ServerFixture.NewName("wire");
            o.ExportProcessorType = ExportProcessorType.Simple;
            o.PrimaryHandler = recorder;
        }))
        {
            using (var span = MlflowTracing.StartSpan("wire", SpanType.Chain))
            {
                traceId = span.TraceId!;
            }
            provider.ForceFlush();
        }
        var trace = await fixture.WaitForTraceAsync(traceId, spans: 1);
        var otlp = recorder.Requests.Single(r => r.Path == "/v1/traces");
        Assert.Equal("Bearer secret-token", otlp.Authorization);
        Assert.Equal(trace.ExperimentId, otlp.Experiment);
        Assert.Equal("search", otlp.Custom);
        Assert.Equal("application/x-protobuf", otlp.Type);
        Assert.StartsWith("mlflow-dotnet-client/", otlp.Agent);
        var info = recorder.Requests.Single(r => r.Path == "/api/3.0/mlflow/traces");
        Assert.Equal("Bearer secret-token", info.Authorization);
        Assert.Equal("search", info.Custom);
        // The experiment was looked up by name, then created, before the first upload.
        Assert.Equal(["/api/2.0/mlflow/experiments/get-by-name", "/api/2.0/mlflow/experiments/create", "/v1/traces", "/api/3.0/mlflow/traces"], recorder.Requests.Select(r => r.Path));
    }
}
