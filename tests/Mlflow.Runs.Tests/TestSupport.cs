using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Mlflow.Testing;

namespace Mlflow.Runs.Tests;

/// <summary>Every request the client sends, with its body size, seen on the way to the socket handler.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<(string Path, long Bytes)> Requests { get; } = new();

    /// <summary>The bodies of the log-batch requests, in order.</summary>
    public ConcurrentQueue<System.Text.Json.Nodes.JsonObject> Batches { get; } = new();

    public IEnumerable<(string Path, long Bytes)> To(string pathEnd) => Requests.Where(r => r.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        long size = 0;
        if (request.Content is { } content)
        {
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
            size = bytes.Length;
            var copy = new ByteArrayContent(bytes);
            foreach (var header in content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            request.Content = copy;
        }
        Requests.Enqueue((request.RequestUri!.AbsolutePath, size));
        if (request.RequestUri.AbsolutePath.EndsWith("/runs/log-batch", StringComparison.Ordinal) && request.Content is { } sent)
            Batches.Enqueue(System.Text.Json.Nodes.JsonNode.Parse(await sent.ReadAsStringAsync(cancellationToken))!.AsObject());
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Debug lines of the client's loggers, kept for assertions.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((category, logLevel, formatter(state, exception)));
    }
}

internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mlflow-runs-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Clients
{
    /// <summary>A client of <paramref name="uri"/> with quick retries (tests stop servers on purpose).</summary>
    public static MlflowClient Create(
        Uri uri, RecordingHandler? handler = null, ILoggerFactory? loggerFactory = null, Action<MlflowClientOptions>? configure = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var options = new MlflowClientOptions
        {
            TrackingUri = uri.ToString(),
            MaxRetries = 3,
            BackoffFactor = 0.05,
            BackoffJitter = 0.01,
            EnvironmentSource = MlflowEnvironment.FromDictionary(environment ?? new Dictionary<string, string?>()),
        };
        configure?.Invoke(options);
        return new MlflowClient(options, loggerFactory, innerHandler: handler);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One embedded server for a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public MlflowTestServer Server { get; } = new();

    public Uri Uri { get; private set; } = null!;

    public async Task InitializeAsync() => Uri = await Server.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
