using System.Diagnostics;
using Mlflow.Client.Models;
using Mlflow.Testing;

namespace Mlflow.Reliability.Tests;

/// <summary>What a cell of the matrix must end in.</summary>
/// <param name="Outcome">"ok" or the exception type name the call must throw.</param>
/// <param name="Attempts">How many requests of the operation the proxy must have seen.</param>
/// <param name="Effect">What the server must hold afterwards (operation-specific, e.g. "runs=2"); null: not checked.</param>
/// <param name="Python">What MLflow's Python client does in the same situation.</param>
public sealed record Expected(string Outcome, int Attempts, string? Effect, string Python);

/// <summary>One representative operation: how to call it through the client, and what it left on the server.</summary>
/// <param name="Name">Name in the table.</param>
/// <param name="Method">HTTP method the proxy matches.</param>
/// <param name="Path">Substring of the route the proxy matches.</param>
/// <param name="Act">The call under test.</param>
/// <param name="Effect">Reads the server directly and describes its state.</param>
public sealed record MatrixOperation(string Name, string Method, string Path, Func<MatrixCell, CancellationToken, Task> Act, Func<MatrixCell, Task<string>> Effect)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// The fault matrix: representative operations x <see cref="Fault"/>s, each fault injected into the first attempt
/// of the operation only (a transient fault), with the outcome written down per cell (<see cref="Expect"/>).
/// </summary>
public static class FaultMatrix
{
    /// <summary>Per-attempt timeout of the client under test.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1.5);

    /// <summary>The client's overall retry deadline.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Retries of the client under test.</summary>
    public const int MaxRetries = 3;

    private static readonly byte[] ArtifactBytes = [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 251))];

    /// <summary>The operations.</summary>
    public static readonly MatrixOperation[] Operations =
    [
        new("create run", "POST", "/runs/create",
            async (c, ct) => await c.Client.Api.Api.V20.Mlflow.Runs.Create.PostAsync(new CreateRun { ExperimentId = c.ExperimentId, RunName = "matrix" }, cancellationToken: ct),
            async c => $"runs={(await c.Direct.Api.Api.V20.Mlflow.Runs.Search.PostAsync(new SearchRuns { ExperimentIds = [c.ExperimentId] }))!.Runs.Count}"),
        new("log metric", "POST", "/runs/log-metric",
            async (c, ct) => await c.Client.Api.Api.V20.Mlflow.Runs.LogMetric.PostAsync(new LogMetric { RunId = c.RunId, Key = "loss", Value = 0.5, Timestamp = 1_700_000_000_000, Step = 1 }, cancellationToken: ct),
            async c => $"points={(await History(c.Direct, c.RunId, "loss")).Count}"),
        new("log batch", "POST", "/runs/log-batch",
            async (c, ct) => await c.Client.Api.Api.V20.Mlflow.Runs.LogBatch.PostAsync(
                new LogBatch { RunId = c.RunId, Metrics = [new Metric("acc", 0.9, 1_700_000_000_000, 2)], Params = [new Param("lr", "0.01")], Tags = [new RunTag("stage", "matrix")] }, cancellationToken: ct),
            async c =>
            {
                var run = (await c.Direct.Api.Api.V20.Mlflow.Runs.Get.GetAsync(r => r.QueryParameters.RunId = c.RunId))!.Run;
                return $"points={(await History(c.Direct, c.RunId, "acc")).Count}, params={run.Data.Params.Count}";
            }),
        new("search runs page", "POST", "/runs/search",
            async (c, ct) => Assert.Single((await c.Client.Api.Api.V20.Mlflow.Runs.Search.PostAsync(new SearchRuns { ExperimentIds = [c.ExperimentId], MaxResults = 10 }, cancellationToken: ct))!.Runs),
            _ => Task.FromResult("-")),
        new("get metric history", "GET", "/metrics/get-history",
            async (c, ct) => Assert.Equal(3, (await c.Client.Api.Api.V20.Mlflow.Metrics.GetHistory.GetAsync(r => { r.QueryParameters.RunId = c.RunId; r.QueryParameters.MetricKey = "seed"; }, ct))!.Metrics.Count),
            _ => Task.FromResult("-")),
        new("artifact upload", "PUT", "/mlflow-artifacts/artifacts/",
            (c, ct) => c.Client.LogArtifactAsync(c.RunId, c.LocalFile, "up", cancellationToken: ct),
            async c => await ArtifactState(c, "up/blob.bin")),
        new("artifact download", "GET", "/mlflow-artifacts/artifacts/",
            async (c, ct) =>
            {
                var dst = Directory.CreateDirectory(Path.Combine(c.WorkDirectory, "down")).FullName;
                var path = await c.Client.DownloadArtifactsAsync(c.RunId, "seed/blob.bin", dst, cancellationToken: ct);
                c.Downloaded = await File.ReadAllBytesAsync(path, ct);
            },
            c => Task.FromResult(c.Downloaded is null ? "file=none" : c.Downloaded.AsSpan().SequenceEqual(ArtifactBytes) ? "file=intact" : $"file=differs({c.Downloaded.Length} bytes)")),
        new("webhook create", "POST", "/mlflow/webhooks",
            async (c, ct) => await c.Client.Api.Api.V20.Mlflow.Webhooks.PostAsync(
                new CreateWebhook { Name = c.Tag, Url = "https://hooks.example.com/mlflow", Events = [new WebhookEventEntry(WebhookEntity.ModelVersion, WebhookAction.Created)] }, cancellationToken: ct),
            async c => $"webhooks={(await c.Direct.Api.Api.V20.Mlflow.Webhooks.GetAsync())!.Webhooks.Count(w => w.Name == c.Tag)}"),
    ];

    /// <summary>The faults of the matrix.</summary>
    public static readonly Fault[] Faults = [.. Enum.GetValues<Fault>().Where(f => f != Fault.None)];

    /// <summary>The written-down outcome of one cell.</summary>
    /// <param name="op">Operation name.</param>
    /// <param name="fault">Fault injected into its first attempt.</param>
    /// <returns>The expectation.</returns>
    public static Expected Expect(string op, Fault fault)
    {
        const string retriedPy = "retried (urllib3 Retry, POST included), succeeds";
        var clean = Clean(op);
        switch (fault)
        {
            case Fault.ResetBeforeRequest:
                return new("ok", 2, clean, retriedPy);
            case Fault.ResetAfterRequest:
                // The server acted on the first attempt; the retry acts again, as in Python.
                return new("ok", 2, Duplicate(op) ?? clean, "retried (read error on an allowed method), succeeds; the server acted twice");
            case Fault.ResetMidBody when op == "artifact upload":
            case Fault.StallMidBody when op == "artifact upload":
                return new("ok", 1, clean, "same: the upload's answer has no body to break off");
            case Fault.ResetMidBody:
                return op == "artifact download"
                    ? new("MlflowConnectionException", 1, "file=none", "fails (ChunkedEncodingError while streaming), not retried")
                    : new("ok", 2, Duplicate(op) ?? clean, "fails: the body is read after urllib3's retries (requests raises ChunkedEncodingError), not retried");
            case Fault.Stall:
                return op == "artifact upload"
                    ? new("MlflowTimeoutException", 1, "artifact=absent", "retried after the read timeout (MLFLOW_HTTP_REQUEST_TIMEOUT), succeeds")
                    : new("ok", 2, clean, "retried after the read timeout (MLFLOW_HTTP_REQUEST_TIMEOUT), succeeds");
            case Fault.StallMidBody:
                return op == "artifact download"
                    ? new("MlflowTimeoutException", 1, "file=none", "fails with a read timeout while streaming (not retried)")
                    : new("ok", 2, Duplicate(op) ?? clean, "fails with a read timeout while reading the body (not retried)");
            case Fault.Status500:
            case Fault.Status502:
            case Fault.Status503:
            case Fault.Status504:
            case Fault.Status408:
            case Fault.HtmlErrorPage:
                return new("ok", 2, clean, "retried (status_forcelist 408/429/500/502/503/504), succeeds");
            case Fault.RateLimitedSeconds:
            case Fault.RateLimitedDate:
                return new("ok", 2, clean, "retried after Retry-After (respect_retry_after_header), succeeds");
            case Fault.TruncatedJson:
            case Fault.CorruptJson:
                return op switch
                {
                    "artifact download" => new("ok", 1, fault == Fault.TruncatedJson ? "file=differs(2048 bytes)" : "file=differs(4096 bytes)", "same: the bytes are written as received (a consistent Content-Length hides the damage)"),
                    "artifact upload" => new("ok", 1, clean, "same (the answer's body is not read)"),
                    _ => new("MlflowProtocolException", 1, Acted(op), "fails with MlflowException (the body is not JSON), not retried"),
                };
            case Fault.HtmlOkPage:
                return op switch
                {
                    "artifact download" => new("ok", 1, "file=differs(124 bytes)", "same: the page is saved as the artifact"),
                    _ => new("MlflowProtocolException", 1, NotActed(op), op == "artifact upload" ? "succeeds silently (the upload never reached MLflow)" : "fails with MlflowException (the body is not JSON), not retried"),
                };
            case Fault.CorruptGzip:
                return op == "artifact download"
                    ? new("MlflowProtocolException", 1, "file=none", "fails with ContentDecodingError, not retried")
                    : op is "artifact upload" or "log metric" or "log batch"
                        ? new("ok", 1, clean, "same: the (empty) answer is not parsed")
                        : new("MlflowProtocolException", 1, Acted(op), "fails with ContentDecodingError, not retried");
            case Fault.DribbleBody:
                return new("ok", 1, clean, "succeeds");
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }

    /// <summary>The server's state after one successful call.</summary>
    private static string Clean(string op) => op switch
    {
        "create run" => "runs=2", // the seed run plus the new one
        "log metric" => "points=1",
        "log batch" => "points=1, params=1",
        "artifact upload" => "artifact=intact",
        "artifact download" => "file=intact",
        "webhook create" => "webhooks=1",
        _ => "-",
    };

    /// <summary>The server's state when it acted twice (null: acting twice leaves the same state).</summary>
    private static string? Duplicate(string op) => op switch
    {
        "create run" => "runs=3",
        "webhook create" => "webhooks=2",
        // "log metric" / "log batch": an identical metric point logged again is stored once (as MLflow's SQL store does).
        _ => null,
    };

    /// <summary>The server's state when it acted once but the answer was unusable.</summary>
    private static string Acted(string op) => Clean(op);

    /// <summary>The server's state when the request never reached it.</summary>
    private static string NotActed(string op) => op switch
    {
        "create run" => "runs=1",
        "log metric" => "points=0",
        "log batch" => "points=0, params=0",
        "artifact upload" => "artifact=absent",
        "webhook create" => "webhooks=0",
        _ => "-",
    };

    /// <summary>Runs one cell and returns what happened.</summary>
    /// <param name="server">The embedded server.</param>
    /// <param name="op">The operation.</param>
    /// <param name="fault">The fault for its first attempt.</param>
    /// <param name="count">How many attempts get the fault.</param>
    /// <returns>The observed outcome.</returns>
    public static async Task<Observed> RunAsync(SharedServer server, MatrixOperation op, Fault fault, int count = 1)
    {
        await using var proxy = new FaultProxy(server.Uri) { StallBound = TimeSpan.FromSeconds(10) };
        using var cell = await MatrixCell.CreateAsync(server, proxy.Uri);
        proxy.Inject(fault, count, op.Method, op.Path);
        using var hardStop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watch = Stopwatch.StartNew();
        string outcome;
        Exception? error = null;
        try
        {
            await op.Act(cell, hardStop.Token);
            outcome = "ok";
        }
        catch (Exception ex)
        {
            error = ex;
            outcome = hardStop.IsCancellationRequested ? "hang" : ex.GetType().Name;
        }

        watch.Stop();
        var attempts = proxy.SeenFor(op.Method, op.Path).Count;
        var effect = await op.Effect(cell);
        return new Observed(outcome, attempts, effect, watch.Elapsed, error);
    }

    private static async Task<List<Metric>> History(MlflowClient client, string runId, string key) =>
        (await client.Api.Api.V20.Mlflow.Metrics.GetHistory.GetAsync(r => { r.QueryParameters.RunId = runId; r.QueryParameters.MetricKey = key; }))!.Metrics;

    private static async Task<string> ArtifactState(MatrixCell c, string path)
    {
        var dst = Directory.CreateDirectory(Path.Combine(c.WorkDirectory, "check-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var file = await c.Direct.DownloadArtifactsAsync(c.RunId, path, dst);
            return (await File.ReadAllBytesAsync(file)).AsSpan().SequenceEqual(ArtifactBytes) ? "artifact=intact" : "artifact=differs";
        }
        catch (MlflowException)
        {
            return "artifact=absent";
        }
    }

    internal static byte[] Bytes => ArtifactBytes;
}

/// <summary>What a cell ended in.</summary>
/// <param name="Outcome">"ok", "hang" or the exception type name.</param>
/// <param name="Attempts">Requests of the operation the proxy saw.</param>
/// <param name="Effect">The server's state.</param>
/// <param name="Elapsed">Time of the call.</param>
/// <param name="Error">The exception, if any.</param>
public sealed record Observed(string Outcome, int Attempts, string Effect, TimeSpan Elapsed, Exception? Error);

/// <summary>The per-cell state: an experiment with a seed run, a metric history and an artifact, and two clients.</summary>
public sealed class MatrixCell : IDisposable
{
    private MatrixCell(MlflowClient client, MlflowClient direct, string experimentId, string runId, string workDirectory, string tag)
    {
        Client = client;
        Direct = direct;
        ExperimentId = experimentId;
        RunId = runId;
        WorkDirectory = workDirectory;
        Tag = tag;
    }

    /// <summary>The client under test (through the proxy).</summary>
    public MlflowClient Client { get; }

    /// <summary>A client straight to the server (setup and checks).</summary>
    public MlflowClient Direct { get; }

    /// <summary>The cell's experiment.</summary>
    public string ExperimentId { get; }

    /// <summary>The seed run.</summary>
    public string RunId { get; }

    /// <summary>A folder of the cell's own.</summary>
    public string WorkDirectory { get; }

    /// <summary>A unique name for the cell.</summary>
    public string Tag { get; }

    /// <summary>A local file to upload (<c>blob.bin</c>, 4 KiB).</summary>
    public string LocalFile => Path.Combine(WorkDirectory, "blob.bin");

    /// <summary>What the download call read.</summary>
    public byte[]? Downloaded { get; set; }

    /// <summary>Creates the cell's state.</summary>
    /// <param name="server">The server.</param>
    /// <param name="proxy">The proxy's address.</param>
    /// <returns>The cell.</returns>
    public static async Task<MatrixCell> CreateAsync(SharedServer server, Uri proxy)
    {
        var tag = "cell-" + Guid.NewGuid().ToString("N")[..12];
        var work = Path.Combine(Path.GetTempPath(), "mlflow-reliability", tag);
        Directory.CreateDirectory(work);
        await File.WriteAllBytesAsync(Path.Combine(work, "blob.bin"), FaultMatrix.Bytes);
        var direct = server.CreateClient(server.Uri);
        var experimentId = (await direct.Api.Api.V20.Mlflow.Experiments.Create.PostAsync(new CreateExperiment { Name = tag }))!.ExperimentId;
        var runId = (await direct.Api.Api.V20.Mlflow.Runs.Create.PostAsync(new CreateRun { ExperimentId = experimentId }))!.Run.Info.RunId;
        await direct.Api.Api.V20.Mlflow.Runs.LogBatch.PostAsync(new LogBatch { RunId = runId, Metrics = [new Metric("seed", 1, 1, 0), new Metric("seed", 2, 2, 1), new Metric("seed", 3, 3, 2)] });
        var seedDir = Path.Combine(work, "seed");
        Directory.CreateDirectory(seedDir);
        await File.WriteAllBytesAsync(Path.Combine(seedDir, "blob.bin"), FaultMatrix.Bytes);
        await direct.LogArtifactAsync(runId, Path.Combine(seedDir, "blob.bin"), "seed");
        var client = server.CreateClient(proxy, new MlflowClientOptions
        {
            MaxRetries = FaultMatrix.MaxRetries,
            Timeout = FaultMatrix.AttemptTimeout,
            RetryDeadline = FaultMatrix.Deadline,
        });
        return new MatrixCell(client, direct, experimentId, runId, work, tag);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Client.Dispose();
        Direct.Dispose();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One embedded server for every test of the assembly (in memory, loopback).</summary>
public sealed class SharedServer
{
    private static readonly Lazy<Task<SharedServer>> Instance = new(StartAsync);

    private SharedServer(MlflowTestServer server, Uri uri)
    {
        Server = server;
        Uri = uri;
    }

    /// <summary>The server.</summary>
    public MlflowTestServer Server { get; }

    /// <summary>Its address.</summary>
    public Uri Uri { get; }

    /// <summary>The shared server, started on first use.</summary>
    /// <returns>The server.</returns>
    public static Task<SharedServer> GetAsync() => Instance.Value;

    /// <summary>A client for <paramref name="uri"/> with no environment, no backoff and no jitter.</summary>
    /// <param name="uri">The address (the server or a proxy).</param>
    /// <param name="options">Options to start from.</param>
    /// <returns>The client.</returns>
    public MlflowClient CreateClient(Uri uri, MlflowClientOptions? options = null)
    {
        options ??= new MlflowClientOptions { MaxRetries = 0 };
        options.TrackingUri = uri.ToString();
        options.BackoffFactor ??= 0;
        options.BackoffJitter ??= 0;
        options.EnvironmentSource ??= MlflowEnvironment.FromDictionary(new Dictionary<string, string?>());
        return new MlflowClient(options);
    }

    private static async Task<SharedServer> StartAsync()
    {
        var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        return new SharedServer(server, uri);
    }
}
