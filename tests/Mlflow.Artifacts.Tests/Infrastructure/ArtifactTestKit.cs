using System.Collections.Concurrent;
using System.Text;
using Mlflow.Artifacts;
using Mlflow.Testing;

namespace Mlflow.Artifacts.Tests;

/// <summary>An embedded server and a client on it, for one test.</summary>
internal sealed class ServerAndClient : IAsyncDisposable
{
    private ServerAndClient(MlflowTestServer server, MlflowClient client, RecordingHandler recorder)
    {
        Server = server;
        Client = client;
        Recorder = recorder;
    }

    public MlflowTestServer Server { get; }

    public MlflowClient Client { get; }

    public RecordingHandler Recorder { get; }

    public static async Task<ServerAndClient> StartAsync(
        MlflowTestServerOptions? serverOptions = null,
        Action<MlflowClientOptions>? configure = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        var server = new MlflowTestServer(serverOptions);
        var uri = await server.StartAsync();
        var options = new MlflowClientOptions
        {
            TrackingUri = uri.ToString(),
            MaxRetries = 1,
            BackoffFactor = 0,
            BackoffJitter = 0,
            EnvironmentSource = MlflowEnvironment.FromDictionary(environment ?? new Dictionary<string, string?>()),
        };
        configure?.Invoke(options);
        var recorder = new RecordingHandler(new SocketsHttpHandler());
        HttpMessageHandler inner = wrap is null ? recorder : wrap(recorder);
        var client = new MlflowClient(options, null, null, inner);
        return new ServerAndClient(server, client, recorder);
    }

    /// <summary>A new experiment and run; returns the run id.</summary>
    public async Task<string> NewRunAsync(string? experimentName = null)
    {
        var name = experimentName ?? "artifacts-" + Guid.NewGuid().ToString("N")[..8];
        var experimentId = await Client.CreateExperimentAsync(name);
        var run = await Client.CreateRunAsync(experimentId: experimentId);
        return run.Info!.RunId!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Remembers the requests that reached the network (method and raw target).</summary>
internal sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public ConcurrentQueue<(string Method, string Target)> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue((request.Method.Method, request.RequestUri!.PathAndQuery));
        return base.SendAsync(request, cancellationToken);
    }

    public int Count(string method, string contains) => Requests.Count(r => r.Method == method && r.Target.Contains(contains, StringComparison.Ordinal));
}

/// <summary>A temporary directory deleted at the end of the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("mlflow-artifacts-tests-").FullName;

    public string Path { get; }

    public string File(string relative, string text) => File(relative, Encoding.UTF8.GetBytes(text));

    public string File(string relative, byte[] bytes)
    {
        var full = System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, bytes);
        return full;
    }

    public string Dir(string relative)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(full);
        return full;
    }

    /// <summary>Every file below the directory as relative '/'-paths and contents.</summary>
    public static SortedDictionary<string, byte[]> Snapshot(string root) => new(
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(f => System.IO.Path.GetRelativePath(root, f).Replace(System.IO.Path.DirectorySeparatorChar, '/'), System.IO.File.ReadAllBytes),
        StringComparer.Ordinal);

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

/// <summary>Collects progress reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
internal sealed class ProgressLog : IProgress<ArtifactTransferProgress>
{
    public ConcurrentQueue<ArtifactTransferProgress> Reports { get; } = new();

    public void Report(ArtifactTransferProgress value) => Reports.Enqueue(value);

    public ArtifactTransferProgress Last => Reports.Last();
}

/// <summary>Deterministic content.</summary>
internal static class Bytes
{
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
