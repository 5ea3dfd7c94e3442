using OpenTelemetry.Trace;
using OpenTelemetry;
using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Mlflow.Tracing.Tests.Infrastructure;

namespace Mlflow.Tracing.Tests;

/// <summary>Semantic Kernel's own OpenTelemetry spans (function invocations) become MLflow TOOL spans.</summary>
public sealed class SemanticKernelTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static SemanticKernelTests()
    {
        // Semantic Kernel writes function arguments and results on its spans only with its "sensitive" switch.
        AppContext.SetSwitch("Microsoft.SemanticKernel.Experimental.GenAI.EnableOTelDiagnosticsSensitive", true);
    }

    public sealed class WeatherPlugin(IChatClient chat)
    {
        [KernelFunction("describe_weather")]
        [Description("Describes the weather of a city.")]
        public async Task<string> DescribeAsync(string city)
        {
            var response = await chat.GetResponseAsync($"Weather in {city}?");
            return response.Text;
        }
    }

    [Fact]
    public async Task A_kernel_function_call_is_a_tool_span_with_arguments_result_and_the_chat_span_inside()
    {
        var experiment = ServerFixture.NewName("sk");
        using var chat = new FakeChatClient().AsBuilder().UseMlflowTracing().Build();
        var kernel = new Kernel();
        kernel.Plugins.AddFromObject(new WeatherPlugin(chat), "weather");
        string traceId;
        using (var provider = fixture.Provider(experiment))
        {
            using (var root = MlflowTracing.StartSpan("plan", SpanType.Agent, inputs: new { goal = "weather" }))
            {
                traceId = root.TraceId!;
                var result = await kernel.InvokeAsync("weather", "describe_weather", new KernelArguments { ["city"] = "Paris" });
                Assert.Equal("You said: Weather in Paris?", result.GetValue<string>());
            }
            provider.ForceFlush();
        }

        var trace = await fixture.WaitForTraceAsync(traceId, spans: 3);
        var tool = Assert.Single(trace.SpansOfType(SpanType.Tool));
        Assert.Equal(trace.RootSpan!.SpanId, tool.ParentId);
        Assert.Contains("describe_weather", tool.Name);
        Assert.Equal("Paris", (string?)tool.Inputs!["city"]);
        Assert.Contains("You said: Weather in Paris?", tool.Outputs!.ToJsonString());
        var chatSpan = Assert.Single(trace.SpansOfType(SpanType.ChatModel));
        Assert.Equal(tool.SpanId, chatSpan.ParentId);
        Assert.Equal(new TokenUsage(10, 6, 16), trace.TokenUsage);
    }
}
