using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Mlflow.Tracing.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder to a server on a port that refuses connections until <see cref="Start"/>: a tracking server that
/// is down and comes back.
/// </summary>
public sealed class DelayedProxy : IAsyncDisposable
{
    private readonly Uri target;
    private readonly int port;
    private readonly CancellationTokenSource stop = new();
    private TcpListener? listener;
    private Task? loop;
    private int connections;

    public DelayedProxy(Uri target)
    {
        this.target = target;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public Uri Uri => new($"http://127.0.0.1:{port}");

    public int Connections => Volatile.Read(ref connections);

    public void Start()
    {
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        loop = AcceptAsync(listener);
    }

    private async Task AcceptAsync(TcpListener server)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await server.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref connections);
            _ = ForwardAsync(incoming);
        }
    }

    private async Task ForwardAsync(TcpClient incoming)
    {
        using (incoming)
        using (var outgoing = new TcpClient())
        {
            try
            {
                await outgoing.ConnectAsync(target.Host, target.Port, stop.Token);
                var a = incoming.GetStream();
                var b = outgoing.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, stop.Token), b.CopyToAsync(a, stop.Token));
            }
            catch (Exception) when (stop.IsCancellationRequested || true)
            {
                // Connection closed by either side.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener?.Stop();
        if (loop is not null) await loop;
        stop.Dispose();
    }
}

/// <summary>Collects log messages (for assertions on what the exporter reported).</summary>
public sealed class LogCapture : ILoggerProvider, ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));

    public ILoggerFactory Factory() => LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Debug));

    public void Dispose()
    {
    }
}
