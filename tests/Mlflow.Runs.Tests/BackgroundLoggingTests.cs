using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Mlflow.Client.Models;
using Mlflow.Testing;

namespace Mlflow.Runs.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BackgroundLoggingCollection
{
    public const string Name = "background logging (counters are process-wide)";
}

/// <summary>
/// The background logger (<c>synchronous: false</c>): nothing lost across server restarts, order kept, callers held
/// back when the queue is full, permanent failures reported with their entries, counters and a Debug line per batch.
/// </summary>
[Collection(BackgroundLoggingCollection.Name)]
public sealed class BackgroundLoggingTests
{
    /// <summary>Sums of the logger's counters while it is alive.</summary>
    private sealed class Counters : IDisposable
    {
        private readonly MeterListener listener = new();
        public readonly ConcurrentDictionary<string, long> Totals = new();

        public Counters()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Mlflow.Client" && instrument.Name.StartsWith("mlflow.client.background_logging.", StringComparison.Ordinal))
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
                Totals.AddOrUpdate(instrument.Name["mlflow.client.background_logging.".Length..], value, (_, total) => total + value));
            listener.Start();
        }

        public long this[string name] => Totals.GetValueOrDefault(name);

        public void Dispose() => listener.Dispose();
    }

    private static async Task<string> NewRunAsync(MlflowClient mlflow)
    {
        var experiment = await mlflow.GetOrCreateExperimentAsync("background-" + Guid.NewGuid().ToString("N"));
        return (await mlflow.StartRunAsync(experiment.ExperimentId)).RunId;
    }

    [Fact]
    public async Task One_hundred_thousand_metrics_survive_two_server_restarts_each_once_and_in_order()
    {
        const int Count = 100_000;
        using var directory = new TempDirectory();
        await using var server = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path, Port = Clients.FreePort() });
        var uri = await server.StartAsync();
        using var counters = new Counters();
        var handler = new RecordingHandler();
        await using var mlflow = Clients.Create(uri, handler, configure: o => o.BackgroundLogging.QueueCapacity = 10_000);
        var runId = await NewRunAsync(mlflow);

        // Stop and start the server twice while points are on their way (the caller is held back when the queue is full).
        var restarts = Task.Run(async () =>
        {
            foreach (var threshold in new[] { 25_000L, 65_000L })
            {
                while (counters["sent"] < threshold) await Task.Delay(2);
                await server.StopAsync();
                await Task.Delay(400);
                Assert.Equal(uri, await server.StartAsync());
            }
        });
        for (var step = 0; step < Count; step++)
        {
            await mlflow.LogMetricAsync(runId, "loss", 1.0 / (step + 1), timestamp: 1_700_000_000_000 + step, step: step, synchronous: false);
        }
        await mlflow.FlushAsync();
        await restarts;

        var history = await mlflow.GetMetricHistoryAsync(runId, "loss").ToListAsync();
        Assert.Equal(Count, history.Count);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => (long)i), history.Select(m => m.Step).Order());
        Assert.All(history, m => Assert.Equal(1.0 / (m.Step + 1), m.Value));

        // Sent in order: each request's steps ascend, and a request never starts before the previous one (a retry
        // repeats the same request).
        var firsts = handler.Batches.Select(b => b["metrics"]!.AsArray().Select(m => (long)m!["step"]!).ToList()).ToList();
        Assert.All(firsts, steps => Assert.Equal(steps.Order(), steps));
        for (var i = 1; i < firsts.Count; i++) Assert.True(firsts[i][0] >= firsts[i - 1][0], $"request {i} starts at {firsts[i][0]} after {firsts[i - 1][0]}");

        Assert.Equal(Count, counters["queued"]);
        Assert.Equal(Count, counters["sent"]);
        Assert.True(counters["retried"] > 0, "the restarts caused no retry");
        Assert.Equal(0, counters["failed"]);
    }

    [Fact]
    public async Task A_full_queue_holds_the_caller_back_until_there_is_room()
    {
        using var directory = new TempDirectory();
        await using var server = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory.Path, Port = Clients.FreePort() });
        var uri = await server.StartAsync();
        await using var mlflow = Clients.Create(uri, configure: o =>
        {
            o.BackgroundLogging.QueueCapacity = 100;
            o.BackgroundLogging.RetryTimeout = TimeSpan.FromSeconds(60);
        });
        var runId = await NewRunAsync(mlflow);
        await server.StopAsync();

        // The worker holds one batch on the wire (retried) and gathers the next one; then the queue fills up.
        const int Count = 5000;
        var pending = new List<Task>();
        for (var step = 0; step < Count; step++)
        {
            pending.Add(mlflow.LogMetricAsync(runId, "m", step, step: step, synchronous: false));
        }
        await Task.Delay(300);
        var waiting = pending.Count(t => !t.IsCompleted);
        Assert.InRange(waiting, Count - 2 * 1000 - 100 - 1, Count - 100);

        await server.StartAsync();
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(60));
        await mlflow.FlushAsync();
        Assert.Equal(Count, (await mlflow.GetMetricHistoryAsync(runId, "m").ToListAsync()).Count);
    }

    [Fact]
    public async Task A_permanent_failure_is_reported_once_with_the_entries_not_logged_and_the_rest_is_logged()
    {
        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        using var counters = new Counters();
        var mlflow = Clients.Create(uri);
        var runId = await NewRunAsync(mlflow);
        const string Missing = "0123456789abcdef0123456789abcdef";

        await mlflow.LogMetricAsync(Missing, "lost", 1, step: 7, synchronous: false);
        await mlflow.LogParamAsync(Missing, "lost-param", "x", synchronous: false);
        for (var i = 0; i < 10; i++) await mlflow.LogMetricAsync(runId, "kept", i, step: i, synchronous: false);

        var error = await Assert.ThrowsAsync<MlflowBackgroundLoggingException>(() => mlflow.FlushAsync());
        var batch = Assert.Single(error.NotLogged);
        Assert.Equal(Missing, batch.RunId);
        Assert.Equal(7, Assert.Single(batch.Metrics).Step);
        Assert.Equal("lost-param", Assert.Single(batch.Params).Key);
        Assert.IsType<MlflowNotFoundException>(batch.Error);
        Assert.Equal(MlflowErrorCode.ResourceDoesNotExist, error.ErrorCode);
        Assert.Equal(2, error.NotLoggedCount);
        Assert.Equal(2, counters["failed"]);
        Assert.Equal(10, (await mlflow.GetMetricHistoryAsync(runId, "kept").ToListAsync()).Count);

        await mlflow.FlushAsync();   // reported once
        await mlflow.LogMetricAsync(Missing, "lost-again", 1, synchronous: false);
        var onDispose = await Assert.ThrowsAsync<MlflowBackgroundLoggingException>(() => mlflow.DisposeAsync().AsTask());
        Assert.Equal("lost-again", Assert.Single(Assert.Single(onDispose.NotLogged).Metrics).Key);
    }

    [Fact]
    public async Task Each_batch_gets_a_Debug_line_and_a_run_scope_flushes_before_it_ends()
    {
        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        var lines = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(lines).SetMinimumLevel(LogLevel.Debug));
        await using var mlflow = Clients.Create(uri, loggerFactory: factory,
            environment: new Dictionary<string, string?> { ["MLFLOW_ENABLE_ASYNC_LOGGING"] = "true" });
        var experiment = await mlflow.GetOrCreateExperimentAsync("scope-background");

        string runId;
        await using (var run = await mlflow.StartRunAsync(experiment.ExperimentId))
        {
            runId = run.RunId;
            Assert.True(run.LogsInBackground);
            for (var step = 0; step < 2500; step++) await run.LogMetricsAsync(new Dictionary<string, double> { ["a"] = step, ["b"] = -step }, step: step);
            await run.LogParamAsync("lr", "0.1");
            await run.SetTagAsync("phase", "train");
        }

        var ended = await mlflow.GetRunAsync(runId);
        Assert.Equal(RunStatus.Finished, ended.Info.Status);
        Assert.Equal("0.1", ended.Data.Params.Single(p => p.Key == "lr").Value);
        Assert.Equal(2500, (await mlflow.GetMetricHistoryAsync(runId, "b").ToListAsync()).Count);
        var sent = lines.Lines.Where(l => l.Category == "Mlflow.Client.Runs" && l.Level == LogLevel.Debug && l.Message.StartsWith("Background logging: run " + runId + ": sent ", StringComparison.Ordinal)).ToList();
        Assert.True(sent.Count >= 5, $"{sent.Count} batch lines");
        Assert.Contains(sent, l => l.Message.Contains("sent 1000 metrics", StringComparison.Ordinal));

        // Explicitly synchronous calls stay synchronous in a background scope.
        await using var sync = await mlflow.StartRunAsync(experiment.ExperimentId, logInBackground: false);
        Assert.False(sync.LogsInBackground);
        await sync.LogMetricAsync("now", 1);
        Assert.Single(await mlflow.GetMetricHistoryAsync(sync.RunId, "now").ToListAsync());
    }
}
