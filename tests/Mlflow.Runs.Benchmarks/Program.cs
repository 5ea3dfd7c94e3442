using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Mlflow;
using Mlflow.Testing;

// Figures for the background logger, against the embedded server (in memory) and, when MLFLOW_TRACKING_URI is set,
// against that server too. Each case prints one line; the targets of issue 12 are printed beside the figures.
var quick = args.Contains("--quick");
var invariant = CultureInfo.InvariantCulture;
Console.WriteLine($"Background logging figures ({(quick ? "quick" : "full")}); .NET {Environment.Version}, {Environment.ProcessorCount} cores");

await using (var server = new MlflowTestServer())
{
    var uri = await server.StartAsync();
    await RunAll("embedded", uri, sinkForMemory: true);
}
if (Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI") is { Length: > 0 } real)
{
    await RunAll("real", new Uri(real), sinkForMemory: false);
}

async Task RunAll(string target, Uri uri, bool sinkForMemory)
{
    Console.WriteLine();
    Console.WriteLine($"[{target}] {uri}");
    await using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = uri.ToString() });
    var experiment = await mlflow.GetOrCreateExperimentAsync("runs-bench-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", invariant) + "-" + Guid.NewGuid().ToString("N")[..6]);
    string NewRun() => mlflow.StartRunAsync(experiment.ExperimentId).GetAwaiter().GetResult().RunId;

    // 1. 1,000 LogMetricAsync: synchronous (one request each) vs background (until flushed).
    const int Calls = 1000;
    await WarmUp(mlflow, NewRun());
    var run = NewRun();
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < Calls; i++) await mlflow.LogMetricAsync(run, "sync", i, step: i, synchronous: true);
    var sync = watch.Elapsed;
    run = NewRun();
    watch.Restart();
    for (var i = 0; i < Calls; i++) await mlflow.LogMetricAsync(run, "background", i, step: i, synchronous: false);
    var queued = watch.Elapsed;
    await mlflow.FlushAsync();
    var background = watch.Elapsed;
    Console.WriteLine($"  1,000 LogMetricAsync   synchronous {Rate(Calls, sync)}/s ({sync.TotalMilliseconds:F0} ms)   background {Rate(Calls, background)}/s ({background.TotalMilliseconds:F1} ms until flushed, {queued.TotalMilliseconds:F1} ms in the calls)   x{sync / background:F0} (target >= 50x)");

    // 2. 100,000 metrics: background logger vs hand-made 1,000-metric log-batch requests on a plain HttpClient.
    var points = quick ? 20_000 : 100_000;
    run = NewRun();
    using (var http = new HttpClient { BaseAddress = uri })
    {
        watch.Restart();
        for (var batch = 0; batch < points / 1000; batch++)
        {
            using var content = new StringContent(BatchJson(run, "floor", batch * 1000, 1000), Encoding.UTF8, "application/json");
            using var answer = await http.PostAsync("api/2.0/mlflow/runs/log-batch", content);
            answer.EnsureSuccessStatusCode();
        }
    }
    var floor = watch.Elapsed;
    run = NewRun();
    watch.Restart();
    for (var i = 0; i < points; i++) await mlflow.LogMetricAsync(run, "logger", i, timestamp: 1_700_000_000_000 + i, step: i, synchronous: false);
    await mlflow.FlushAsync();
    var logger = watch.Elapsed;
    Console.WriteLine($"  {points:N0} metrics        plain HttpClient log-batch {Rate(points, floor)} metrics/s   background logger {Rate(points, logger)} metrics/s   {100 * floor / logger:F0}% of the floor (target >= 90%)");

    // 3. A training loop: 10,000 steps x 5 metrics through a run scope's background logger.
    var steps = quick ? 2_000 : 10_000;
    await using (var scope = await mlflow.StartRunAsync(experiment.ExperimentId, runName: "loop", logInBackground: true))
    {
        var inside = 0L;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var step = 0; step < steps; step++)
        {
            var started = Stopwatch.GetTimestamp();
            await scope.LogMetricAsync("loss", 1.0 / (step + 1), step: step);
            await scope.LogMetricAsync("accuracy", step / (double)steps, step: step);
            await scope.LogMetricAsync("lr", 0.01, step: step);
            await scope.LogMetricAsync("grad_norm", 0.5, step: step);
            await scope.LogMetricAsync("throughput", 1200, step: step);
            inside += Stopwatch.GetTimestamp() - started;
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        watch.Restart();
        await scope.FlushAsync();
        var flush = watch.Elapsed;
        var insideMs = inside * 1000.0 / Stopwatch.Frequency;
        var calls = steps * 5;
        Console.WriteLine($"  loop {steps:N0} x 5 metrics  {insideMs:F1} ms inside the logging calls ({insideMs * 1_000_000 / calls:F0} ns, {allocated / calls} B per call; target < 50 ms)   final flush {flush.TotalMilliseconds:F0} ms");
    }

    // 4. Memory while 1,000,000 metrics pass (against a sink that answers {} so that only the client's memory counts).
    if (sinkForMemory) await MemoryFlat(quick ? 200_000 : 1_000_000);
}

static async Task WarmUp(MlflowClient mlflow, string run)
{
    for (var i = 0; i < 50; i++) await mlflow.LogMetricAsync(run, "warm", i, step: i, synchronous: true);
    for (var i = 0; i < 5000; i++) await mlflow.LogMetricAsync(run, "warm2", i, step: i, synchronous: false);
    await mlflow.FlushAsync();
}

static async Task MemoryFlat(int count)
{
    using var sink = new Sink();
    await using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = sink.Uri.ToString() });
    var samples = new List<long>();
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var start = GC.GetTotalMemory(forceFullCollection: true);
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        await mlflow.LogMetricAsync("0123456789abcdef0123456789abcdef", "loss", i, timestamp: 1_700_000_000_000 + i, step: i, synchronous: false);
        if ((i + 1) % (count / 10) == 0) samples.Add(GC.GetTotalMemory(forceFullCollection: false));
    }
    await mlflow.FlushAsync();
    var elapsed = watch.Elapsed;
    var end = GC.GetTotalMemory(forceFullCollection: true);
    Console.WriteLine($"  memory, {count:N0} metrics  heap at start {start / 1024 / 1024.0:F1} MB, every 10%: {string.Join(" ", samples.Select(s => (s / 1024 / 1024.0).ToString("F1", CultureInfo.InvariantCulture)))} MB, after flush and GC {end / 1024 / 1024.0:F1} MB; {sink.Requests} requests, {Rate(count, elapsed)} metrics/s");
}

static string Rate(int count, TimeSpan elapsed) => (count / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);

static string BatchJson(string run, string key, int first, int count)
{
    var text = new StringBuilder(count * 80).Append("{\"run_id\":\"").Append(run).Append("\",\"metrics\":[");
    for (var i = 0; i < count; i++)
    {
        var step = first + i;
        if (i > 0) text.Append(',');
        text.Append("{\"key\":\"").Append(key).Append("\",\"value\":").Append(step.ToString(CultureInfo.InvariantCulture))
            .Append(",\"timestamp\":").Append((1_700_000_000_000 + step).ToString(CultureInfo.InvariantCulture))
            .Append(",\"step\":").Append(step.ToString(CultureInfo.InvariantCulture)).Append('}');
    }
    return text.Append("]}").ToString();
}

/// <summary>An HTTP server on loopback that reads each request and answers <c>{}</c>: the client's cost alone.</summary>
sealed class Sink : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;
    private int requests;

    public Sink()
    {
        var port = FreePort();
        Uri = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(Uri.ToString());
        listener.Start();
        loop = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                while (await context.Request.InputStream.ReadAsync(buffer) > 0) { }
                Interlocked.Increment(ref requests);
                context.Response.ContentType = "application/json";
                var body = "{}"u8.ToArray();
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
    }

    public Uri Uri { get; }

    public int Requests => requests;

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
