using Microsoft.Extensions.Logging;
using System.Diagnostics;
using Mlflow.Testing;
using Mlflow.Tracing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Mlflow.Tracing.Tests.Infrastructure;

/// <summary>
/// One embedded MLflow server for a test class, a client on it, and tracer providers that export to it through the
/// real OpenTelemetry SDK and OTLP exporter.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public MlflowTestServer Server { get; } = new(new MlflowTestServerOptions { LoggerFactory = Environment.GetEnvironmentVariable("TRACING_TEST_SERVER_LOG") == "1" ? DebugLog.Factory : null });

    public Uri Uri { get; private set; } = null!;

    public MlflowClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Uri = await Server.StartAsync();
        Client = new MlflowClient(Options(Uri));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Client options for tests: no environment, few and quick retries.</summary>
    public static MlflowClientOptions Options(Uri uri) => new()
    {
        TrackingUri = uri.ToString(),
        EnvironmentSource = MlflowEnvironment.Empty,
        MaxRetries = 2,
        BackoffFactor = 0.05,
        BackoffJitter = 0,
    };

    /// <summary>A tracer provider exporting to this server (simple processor: each span is sent when it ends).</summary>
    public TracerProvider Provider(string experimentName, Action<MlflowExporterOptions>? configure = null, params string[] sources) =>
        MlflowTracing.CreateTracerProvider(o =>
        {
            o.Client = Options(Uri);
            o.ExperimentName = experimentName;
            o.ExportProcessorType = ExportProcessorType.Simple;
            o.RetryInitialDelay = TimeSpan.FromMilliseconds(50);
            configure?.Invoke(o);
        }, sources);

    public async Task<string> ExperimentIdAsync(string name) =>
        (await Client.GetExperimentByNameAsync(name))?.ExperimentId ?? throw new InvalidOperationException($"no experiment {name}");

    /// <summary>Reads a trace, waiting a little for exports that complete on another thread.</summary>
    public async Task<MlflowTrace> WaitForTraceAsync(string traceId, int spans, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var trace = await Client.GetTraceAsync(traceId);
                if (trace.Spans.Count >= spans && trace.Tags.ContainsKey("mlflow.traceName")) return trace;
                if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(15))) return trace;
            }
            catch (MlflowNotFoundException) when (deadline.Elapsed < (timeout ?? TimeSpan.FromSeconds(15)))
            {
            }
            await Task.Delay(50);
        }
    }

    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}

/// <summary>Server logs on the console, for debugging (TRACING_TEST_SERVER_LOG=1).</summary>
internal static class DebugLog
{
    public static Microsoft.Extensions.Logging.ILoggerFactory Factory { get; } = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(new ConsoleProvider()));

    private sealed class ConsoleProvider : Microsoft.Extensions.Logging.ILoggerProvider, Microsoft.Extensions.Logging.ILogger
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            File.AppendAllText("/tmp/tracing-server.log", formatter(state, exception) + "\n" + exception + "\n");
        public void Dispose()
        {
        }
    }
}
