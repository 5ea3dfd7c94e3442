using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Mlflow.Testing;
using Mlflow.Tracing;
using OpenTelemetry.Trace;

namespace Mlflow.Samples.TracingChat;

/// <summary>
/// Traces a small assistant into MLflow: an agent span, a chat call through the MLflow-traced <see cref="IChatClient"/>
/// with a tool, and a Semantic Kernel function; then reads the trace back and prints its span tree.
/// </summary>
public static class TracingChatSample
{
    public static async Task<int> RunAsync(TextWriter output, string? trackingUri)
    {
        await using var embedded = string.IsNullOrEmpty(trackingUri) ? new MlflowTestServer() : null;
        var uri = embedded is null ? trackingUri! : (await embedded.StartAsync()).ToString();
        output.WriteLine(embedded is null ? $"MLflow tracing sample against {uri}" : $"MLflow tracing sample against the embedded server at {uri} (set MLFLOW_TRACKING_URI to use your own MLflow)");
        var clientOptions = new MlflowClientOptions { TrackingUri = uri };
        var experiment = $"tracing-sample-{DateTime.UtcNow:yyyyMMdd-HHmmss}";

        // 1. Export traces to MLflow (OpenTelemetry + OTLP underneath); the experiment is created when missing.
        string traceId;
        using (var tracing = MlflowTracing.CreateTracerProvider(o => { o.Client = clientOptions; o.ExperimentName = experiment; }))
        {
            // 2. Trace every chat call; tools are invoked by Microsoft.Extensions.AI's function-invocation client.
            var weather = AIFunctionFactory.Create((string city) => "sunny and 21 °C", "get_weather", "Current weather of a city");
            using var chat = new FakeChatClient().AsBuilder().UseFunctionInvocation().UseMlflowTracing().Build();

            // 3. Semantic Kernel's own spans (function calls) become MLflow TOOL spans.
            AppContext.SetSwitch("Microsoft.SemanticKernel.Experimental.GenAI.EnableOTelDiagnosticsSensitive", true);
            var kernel = new Kernel();
            kernel.Plugins.AddFromObject(new TravelPlugin(chat), "travel");

            // 4. Application spans with MLflow's span types, inputs and outputs.
            using (var agent = MlflowTracing.StartSpan("travel_assistant", SpanType.Agent, inputs: new { question = "Should I take an umbrella in Paris?" }))
            {
                traceId = agent.TraceId!;
                MlflowTracing.UpdateCurrentTrace(tags: new Dictionary<string, string> { ["app"] = "tracing-sample" }, sessionId: "session-1", userId: "alice");
                var forecast = await chat.GetResponseAsync("Should I take an umbrella in Paris?", new ChatOptions { Tools = [weather], Temperature = 0.2f });
                var tip = await kernel.InvokeAsync<string>("travel", "packing_tip", new KernelArguments { ["forecast"] = forecast.Text });
                agent.SetOutputs(new { answer = forecast.Text, tip });
            }
            tracing.ForceFlush();
        }

        // 5. Read it back, as MLflow's UI shows it.
        using var mlflow = new MlflowClient(clientOptions);
        var trace = await mlflow.GetTraceAsync(traceId);
        output.WriteLine($"  trace       {trace.TraceId} {trace.State} in experiment {experiment} (id {trace.ExperimentId})");
        output.WriteLine($"  tokens      {trace.TokenUsage?.InputTokens} in, {trace.TokenUsage?.OutputTokens} out");
        foreach (var root in trace.Spans.Where(s => s.ParentId is null)) Print(trace, root, "  ", output);
        var feedback = await mlflow.LogFeedbackAsync(traceId, "helpful", value: true, rationale: "answers the question");
        output.WriteLine($"  feedback    {feedback.AssessmentName} = true ({feedback.AssessmentId})");
        return 0;
    }

    private static void Print(MlflowTrace trace, TraceSpan span, string indent, TextWriter output)
    {
        output.WriteLine($"{indent}- {span.Name} [{span.SpanType}] {span.Status.Code}{(span.TokenUsage is { } u ? $", {u.TotalTokens} tokens" : "")}");
        foreach (var child in trace.ChildrenOf(span)) Print(trace, child, indent + "  ", output);
    }

    public sealed class TravelPlugin(IChatClient chat)
    {
        [KernelFunction("packing_tip")]
        [Description("A packing tip for a forecast.")]
        public async Task<string> PackingTipAsync(string forecast) =>
            (await chat.GetResponseAsync($"One packing tip for this forecast: {forecast}")).Text;
    }
}
