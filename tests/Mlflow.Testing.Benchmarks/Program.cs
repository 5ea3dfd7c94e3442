using System.Diagnostics;
using System.Text;

using System.Text.Json.Nodes;
using Mlflow.Testing;

// Logging throughput of the embedded server over real HTTP on loopback: log-batch (1000 metrics per request, one
// client and four concurrent ones) and log-metric (one point per request), in memory and with a data directory.
// Prints one line per case; --quick runs fewer requests.
var quick = args.Contains("--quick");
var batches = quick ? 30 : 200;
var singles = quick ? 300 : 2000;
Console.WriteLine($"Embedded MLflow logging throughput ({(quick ? "quick" : "full")}: {batches} log-batch requests of 1000 metrics, {singles} log-metric requests per case)");
Console.WriteLine($"{"store",-8} {"case",-26} {"requests/s",12} {"metrics/s",12} {"ms/request",11}");
foreach (var persistent in new[] { false, true })
{
    var directory = persistent ? Path.Combine(Path.GetTempPath(), "mlflow-bench-" + Guid.NewGuid().ToString("N")[..8]) : null;
    try
    {
        await using var server = new MlflowTestServer(new MlflowTestServerOptions { DataDirectory = directory });
        var uri = await server.StartAsync();
        using var http = new HttpClient { BaseAddress = uri };
        var store = persistent ? "sqlite" : "memory";
        var run = await NewRun(http);
        await Measure(store, "log-batch x1000, 1 client", batches, 1000, 1, b => LogBatch(http, run, b));
        run = await NewRun(http);
        await Measure(store, "log-batch x1000, 4 clients", batches, 1000, 4, b => LogBatch(http, run, b));
        run = await NewRun(http);
        await Measure(store, "log-metric, 1 client", singles, 1, 1, i => Post(http, "/api/2.0/mlflow/runs/log-metric", $"{{\"run_id\":\"{run}\",\"key\":\"m\",\"value\":{i},\"timestamp\":{1_700_000_000_000 + i},\"step\":{i}}}"));
        if (persistent)
        {
            var watch = Stopwatch.StartNew();
            await server.StopAsync();
            await server.StartAsync();
            var answer = await http.GetStringAsync($"/api/2.0/mlflow/runs/get?run_id={run}");
            Console.WriteLine($"{store,-8} {"restart (stop, load, get)",-26} {"",12} {"",12} {watch.Elapsed.TotalMilliseconds,11:F0}   ({(answer.Contains("\"step\"", StringComparison.Ordinal) ? "state kept" : "STATE LOST")}, {3 * batches * 1000 + singles:N0} points reloaded)");
        }
    }
    finally
    {
        if (directory is not null) Directory.Delete(directory, recursive: true);
    }
}

static async Task Measure(string store, string name, int requests, int perRequest, int clients, Func<int, Task> send)
{
    await send(-1 - clients); // warm-up (a distinct negative batch number: its points do not collide)
    var next = -1;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < requests) await send(i);
    }));
    var seconds = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"{store,-8} {name,-26} {requests / seconds,12:N0} {requests * perRequest / seconds,12:N0} {seconds * 1000 / requests * clients,11:F2}");
}

static Task LogBatch(HttpClient http, string run, int batch)
{
    var text = new StringBuilder($"{{\"run_id\":\"{run}\",\"metrics\":[");
    for (var i = 0; i < 1000; i++)
    {
        var step = (long)batch * 1000 + i;
        if (i > 0) text.Append(',');
        text.Append($"{{\"key\":\"loss\",\"value\":{1.0 / (Math.Abs(step) + 1)},\"timestamp\":{1_700_000_000_000 + step},\"step\":{step}}}");
    }
    return Post(http, "/api/2.0/mlflow/runs/log-batch", text.Append("]}").ToString());
}

static async Task Post(HttpClient http, string path, string json)
{
    using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

static async Task<string> NewRun(HttpClient http)
{
    using var response = await http.PostAsync("/api/2.0/mlflow/runs/create", new StringContent("{\"experiment_id\":\"0\"}", Encoding.UTF8, "application/json"));
    return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["run"]!["info"]!["run_id"]!;
}
