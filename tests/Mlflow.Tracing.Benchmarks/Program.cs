using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Mlflow;
using Mlflow.Testing;
using Mlflow.Tracing;
using OpenTelemetry.Trace;

// dotnet run -c Release --project tests/Mlflow.Tracing.Benchmarks [-- --quick]
var quick = args.Contains("--quick");
var iterations = quick ? 20_000 : 200_000;
var inputs = new JsonObject { ["question"] = "What is MLflow?", ["k"] = 3 };

Measure("span without a listener", iterations, () =>
{
    using var span = MlflowTracing.StartSpanCore("step", SpanType.Chain);
    span.SetInputs(inputs);
});

await using var server = new MlflowTestServer();
var uri = await server.StartAsync();
using (var provider = MlflowTracing.CreateTracerProvider(o =>
{
    o.Client = new MlflowClientOptions { TrackingUri = uri.ToString(), EnvironmentSource = MlflowEnvironment.Empty };
    o.ExperimentName = "bench";
    o.LogTraceInfo = false;
    o.BatchExportProcessorOptions.MaxQueueSize = 1 << 20;
}))
{
    Measure("span exported (JSON inputs and outputs)", iterations, () =>
    {
        using var span = MlflowTracing.StartSpanCore("step", SpanType.Chain);
        span.SetInputs(inputs).SetOutputs(inputs);
    });
    Measure("span exported (anonymous-object inputs)", iterations, () =>
    {
        using var span = MlflowTracing.StartSpan("step", SpanType.Retriever, inputs: new { query = "mlflow", k = 3 });
    });
    using var chat = new EchoChatClient().AsBuilder().UseMlflowTracing().Build();
    var messages = new List<ChatMessage> { new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello") };
    Measure("traced IChatClient call", iterations / 10, () => chat.GetResponseAsync(messages).GetAwaiter().GetResult());
    var flushed = Stopwatch.StartNew();
    provider.ForceFlush();
    Console.WriteLine($"flush of the queued spans to the embedded server: {flushed.ElapsedMilliseconds} ms");
}

static void Measure(string name, int count, Action action)
{
    for (var i = 0; i < Math.Min(count, 2000); i++) action();
    GC.Collect();
    var bytes = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < count; i++) action();
    watch.Stop();
    var allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
    Console.WriteLine($"{name,-45} {watch.Elapsed.TotalNanoseconds / count,10:F0} ns/op {allocated / (double)count,10:F0} B/op");
}

sealed class EchoChatClient : IChatClient
{
    private static readonly ChatResponse Response = new(new ChatMessage(ChatRole.Assistant, "Hi!"))
    {
        ModelId = "echo",
        Usage = new UsageDetails { InputTokenCount = 5, OutputTokenCount = 2, TotalTokenCount = 7 },
    };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => Task.FromResult(Response);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
