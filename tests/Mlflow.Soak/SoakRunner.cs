using System.Diagnostics;
using System.Globalization;
using Mlflow.Client.Models;
using Mlflow.Testing;

namespace Mlflow.Soak;

/// <summary>How long and how wide the soak runs.</summary>
public sealed record SoakOptions
{
    /// <summary>Concurrent writers (each its own run).</summary>
    public int Writers { get; init; } = 8;

    /// <summary>Concurrent readers (search pages, metric histories).</summary>
    public int Readers { get; init; } = 2;

    /// <summary>Write operations per writer.</summary>
    public int OperationsPerWriter { get; init; } = 2_500;

    /// <summary>Upper bound on the whole soak; writers stop early when it passes (counted as an error).</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Memory checkpoints over the run (start and end included).</summary>
    public int Checkpoints { get; init; } = 11;

    /// <summary>The short mode of the test command: 8 writers x 150 operations.</summary>
    public static SoakOptions Short { get; } = new() { OperationsPerWriter = 150, MaxDuration = TimeSpan.FromMinutes(2), Checkpoints = 5 };

    /// <summary>Reads <c>--short</c>, <c>--ops N</c> (per writer), <c>--writers N</c>, <c>--readers N</c>, <c>--minutes N</c>.</summary>
    /// <param name="args">Command line.</param>
    /// <returns>The options.</returns>
    public static SoakOptions Parse(string[] args)
    {
        var options = args.Contains("--short") ? Short : new SoakOptions();
        for (var i = 0; i + 1 < args.Length; i++)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--ops" => options with { OperationsPerWriter = int.Parse(value, CultureInfo.InvariantCulture) },
                "--writers" => options with { Writers = int.Parse(value, CultureInfo.InvariantCulture) },
                "--readers" => options with { Readers = int.Parse(value, CultureInfo.InvariantCulture) },
                "--minutes" => options with { MaxDuration = TimeSpan.FromMinutes(double.Parse(value, CultureInfo.InvariantCulture)) },
                _ => options,
            };
        }

        return options;
    }
}

/// <summary>Memory at one point of the soak.</summary>
/// <param name="Operations">Write operations completed.</param>
/// <param name="ManagedBytes">Managed heap after a full blocking collection.</param>
/// <param name="WorkingSetBytes">Process working set.</param>
public sealed record MemoryPoint(long Operations, long ManagedBytes, long WorkingSetBytes);

/// <summary>What the soak measured.</summary>
/// <param name="WriteOperations">Write calls completed.</param>
/// <param name="ReadOperations">Read calls completed (search pages, histories).</param>
/// <param name="Errors">Calls that failed.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Memory">The checkpoints.</param>
/// <param name="FirstErrors">The first few errors.</param>
public sealed record SoakReport(long WriteOperations, long ReadOperations, long Errors, TimeSpan Elapsed, IReadOnlyList<MemoryPoint> Memory, IReadOnlyList<string> FirstErrors)
{
    /// <summary>
    /// Least-squares slope of the managed heap over the write count, in bytes per 1,000 writes, from the second
    /// checkpoint on (the first cycle fills the server's bounded state and warms the pools).
    /// </summary>
    public double HeapSlopeBytesPerThousand => Slope(Memory.Skip(1).Select(p => ((double)p.Operations, (double)p.ManagedBytes)).ToList()) * 1000;

    /// <summary>The same slope for the working set.</summary>
    public double WorkingSetSlopeBytesPerThousand => Slope(Memory.Skip(1).Select(p => ((double)p.Operations, (double)p.WorkingSetBytes)).ToList()) * 1000;

    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2) return 0;
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / den;
    }
}

/// <summary>
/// Where a writer's metrics go. Today every writer logs through the synchronous API (one awaited call per batch).
/// <see cref="SynchronousSink"/> sends each batch and waits; <see cref="BackgroundSink"/> hands it to the client's
/// background logger (<c>synchronous: false</c>) and waits in <see cref="FlushAsync"/>.
/// </summary>
public interface IMetricSink
{
    /// <summary>Logs one batch for a run.</summary>
    /// <param name="runId">Run.</param>
    /// <param name="metrics">Metrics.</param>
    /// <param name="tags">Tags.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    Task LogAsync(string runId, List<Metric> metrics, List<RunTag> tags, CancellationToken cancellationToken);

    /// <summary>Waits until everything logged has reached the server.</summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    Task FlushAsync(CancellationToken cancellationToken);
}

/// <summary>The synchronous API: each batch is one <c>runs/log-batch</c> call, awaited.</summary>
/// <param name="client">The client.</param>
public sealed class SynchronousSink(MlflowClient client) : IMetricSink
{
    /// <inheritdoc />
    public async Task LogAsync(string runId, List<Metric> metrics, List<RunTag> tags, CancellationToken cancellationToken) =>
        await client.Api.Api.V20.Mlflow.Runs.LogBatch.PostAsync(new LogBatch { RunId = runId, Metrics = metrics, Tags = tags }, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Logs through the client's background logger (Python's <c>synchronous=False</c>).</summary>
/// <param name="client">The client whose logger queues the batches.</param>
public sealed class BackgroundSink(MlflowClient client) : IMetricSink
{
    /// <inheritdoc />
    public Task LogAsync(string runId, List<Metric> metrics, List<RunTag> tags, CancellationToken cancellationToken) =>
        client.LogBatchAsync(runId, metrics: metrics, tags: tags, synchronous: false, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken) => client.FlushAsync(cancellationToken);
}

/// <summary>
/// The soak: writers log batches (20 metric keys x 5 steps, cycling every 100 batches, so the server's state stops growing after the
/// first cycle and the memory slope is the client's), readers page through run searches and read metric
/// histories, all against the embedded server in this process, for a fixed count and at most
/// <see cref="SoakOptions.MaxDuration"/>.
/// </summary>
public static class SoakRunner
{
    private const int Keys = 20;
    private const int Steps = 5;

    /// <summary>Runs the soak and prints its figures.</summary>
    /// <param name="options">Options.</param>
    /// <param name="output">Where the figures go.</param>
    /// <returns>The report.</returns>
    public static async Task<SoakReport> RunAsync(SoakOptions options, TextWriter output)
    {
        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync().ConfigureAwait(false);
        using var client = new MlflowClient(new MlflowClientOptions
        {
            TrackingUri = uri.ToString(),
            EnvironmentSource = MlflowEnvironment.FromDictionary(new Dictionary<string, string?>()),
        });
        using var deadline = new CancellationTokenSource(options.MaxDuration);
        var token = deadline.Token;
        var experimentId = (await client.Api.Api.V20.Mlflow.Experiments.Create.PostAsync(new CreateExperiment { Name = "soak-" + Guid.NewGuid().ToString("N")[..8] }).ConfigureAwait(false))!.ExperimentId;
        var runIds = new List<string>();
        for (var w = 0; w < options.Writers; w++)
        {
            runIds.Add((await client.Api.Api.V20.Mlflow.Runs.Create.PostAsync(new CreateRun { ExperimentId = experimentId, RunName = "writer-" + w }).ConfigureAwait(false))!.Run.Info.RunId);
        }

        long writes = 0, reads = 0, errors = 0;
        var firstErrors = new List<string>();
        void Fail(Exception ex)
        {
            Interlocked.Increment(ref errors);
            lock (firstErrors)
            {
                if (firstErrors.Count < 5) firstErrors.Add(ex.GetType().Name + ": " + ex.Message);
            }
        }

        var total = (long)options.Writers * options.OperationsPerWriter;
        var memory = new List<MemoryPoint> { Measure(0) };
        var nextCheckpoint = 1;
        var checkpointLock = new SemaphoreSlim(1, 1);
        var watch = Stopwatch.StartNew();

        async Task Checkpoint(long done)
        {
            var target = total * nextCheckpoint / (options.Checkpoints - 1);
            if (done < target || nextCheckpoint >= options.Checkpoints - 1) return;
            await checkpointLock.WaitAsync().ConfigureAwait(false);
            try
            {
                if (done >= total * nextCheckpoint / (options.Checkpoints - 1) && nextCheckpoint < options.Checkpoints - 1)
                {
                    memory.Add(Measure(done));
                    nextCheckpoint++;
                }
            }
            finally
            {
                checkpointLock.Release();
            }
        }

        // Writers: even ones through the synchronous API, odd ones through the background logger.
        var writers = Enumerable.Range(0, options.Writers).Select(w => Task.Run(async () =>
        {
            IMetricSink sink = w % 2 == 0 ? new SynchronousSink(client) : new BackgroundSink(client);
            var runId = runIds[w];
            for (var i = 0; i < options.OperationsPerWriter && !token.IsCancellationRequested; i++)
            {
                var step = i / Keys % Steps;
                var metrics = new List<Metric>(capacity: 5);
                for (var k = 0; k < 5; k++)
                {
                    var key = (i + k) % Keys;
                    metrics.Add(new Metric("m" + key, key * step, timestamp: 1_700_000_000_000 + step, step: step));
                }

                try
                {
                    await sink.LogAsync(runId, metrics, [new RunTag("phase", "p" + (i % 10))], token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Fail(ex);
                }

                await Checkpoint(Interlocked.Increment(ref writes)).ConfigureAwait(false);
            }

            await sink.FlushAsync(token).ConfigureAwait(false);
        })).ToArray();

        using var writersDone = new CancellationTokenSource();
        var readers = Enumerable.Range(0, options.Readers).Select(r => Task.Run(async () =>
        {
            var turn = 0;
            while (!writersDone.IsCancellationRequested && !token.IsCancellationRequested)
            {
                try
                {
                    if ((turn++ + r) % 2 == 0)
                    {
                        string? pageToken = null;
                        do
                        {
                            var page = await client.Api.Api.V20.Mlflow.Runs.Search.PostAsync(new SearchRuns { ExperimentIds = [experimentId], MaxResults = 3, PageToken = pageToken }, cancellationToken: token).ConfigureAwait(false);
                            pageToken = string.IsNullOrEmpty(page!.NextPageToken) ? null : page.NextPageToken;
                            Interlocked.Increment(ref reads);
                        }
                        while (pageToken is not null);
                    }
                    else
                    {
                        var runId = runIds[turn % runIds.Count];
                        await client.Api.Api.V20.Mlflow.Metrics.GetHistory.GetAsync(q => { q.QueryParameters.RunId = runId; q.QueryParameters.MetricKey = "m" + (turn % Keys); }, token).ConfigureAwait(false);
                        Interlocked.Increment(ref reads);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Fail(ex);
                }
            }
        })).ToArray();

        try
        {
            await Task.WhenAll(writers).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // deadline: reported below
        }

        await writersDone.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(readers).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        watch.Stop();
        if (Interlocked.Read(ref writes) < total)
        {
            Fail(new TimeoutException($"the soak hit its bound of {options.MaxDuration} after {writes} of {total} writes"));
        }

        memory.Add(Measure(Interlocked.Read(ref writes)));
        var report = new SoakReport(writes, reads, errors, watch.Elapsed, memory, firstErrors);
        Print(report, options, output);
        return report;
    }

    private static MemoryPoint Measure(long operations)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return new MemoryPoint(operations, GC.GetTotalMemory(forceFullCollection: false), process.WorkingSet64);
    }

    private static void Print(SoakReport report, SoakOptions options, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
        output.WriteLine(string.Create(inv, $"soak: {options.Writers} writers x {options.OperationsPerWriter} batches (5 metrics + 1 tag each; half synchronous, half through the background logger), {options.Readers} readers, embedded server"));
        output.WriteLine(string.Create(inv, $"  writes   {report.WriteOperations} in {report.Elapsed.TotalSeconds:0.0} s = {report.WriteOperations / report.Elapsed.TotalSeconds:0} batches/s ({report.WriteOperations * 5 / report.Elapsed.TotalSeconds:0} metrics/s)"));
        output.WriteLine(string.Create(inv, $"  reads    {report.ReadOperations} = {report.ReadOperations / report.Elapsed.TotalSeconds:0}/s (search pages of 3 runs, metric histories)"));
        output.WriteLine(string.Create(inv, $"  errors   {report.Errors}"));
        foreach (var error in report.FirstErrors) output.WriteLine("    " + error);
        var start = report.Memory[0];
        var middle = report.Memory[report.Memory.Count / 2];
        var end = report.Memory[^1];
        output.WriteLine($"  memory   start heap {Mb(start.ManagedBytes)} / ws {Mb(start.WorkingSetBytes)}; middle ({middle.Operations} writes) heap {Mb(middle.ManagedBytes)} / ws {Mb(middle.WorkingSetBytes)}; end ({end.Operations}) heap {Mb(end.ManagedBytes)} / ws {Mb(end.WorkingSetBytes)}");
        output.WriteLine(string.Create(inv, $"  slope    managed heap {report.HeapSlopeBytesPerThousand:0} bytes per 1,000 writes; working set {report.WorkingSetSlopeBytesPerThousand:0} bytes per 1,000 writes (from the 2nd checkpoint)"));
        output.WriteLine("  checkpoints " + string.Join("; ", report.Memory.Select(p => string.Create(inv, $"{p.Operations}: {p.ManagedBytes / 1024} KiB"))));
    }
}
