using OpenTelemetry.Trace;
using OpenTelemetry;
using Microsoft.Extensions.AI;
using Mlflow.Tracing.Tests.Infrastructure;

namespace Mlflow.Tracing.Tests;

/// <summary>The IChatClient decorator and Microsoft.Extensions.AI's own GenAI spans, exported into the embedded server.</summary>
public sealed class ChatClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_decorator_records_a_chat_model_span_with_messages_parameters_output_and_usage()
    {
        var experiment = ServerFixture.NewName("chat");
        using var chat = new FakeChatClient().AsBuilder().UseMlflowTracing().Build();
        string traceId;
        using (var provider = fixture.Provider(experiment))
        {
            using (var root = MlflowTracing.StartSpan("assistant", SpanType.Agent, inputs: new { question = "Hi" }))
            {
                traceId = root.TraceId!;
                var response = await chat.GetResponseAsync(
                    [new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Hi")],
                    new ChatOptions { Temperature = 0.3f, MaxOutputTokens = 64, TopP = 0.9f, StopSequences = ["\n\n"] });
                root.SetOutputs(response.Text);
            }
            provider.ForceFlush();
        }

        var trace = await fixture.WaitForTraceAsync(traceId, spans: 2);
        var span = Assert.Single(trace.SpansOfType(SpanType.ChatModel));
        Assert.Equal(trace.RootSpan!.SpanId, span.ParentId);
        Assert.Equal("chat fake-gpt", span.Name);
        var messages = span.Inputs!["messages"]!.AsArray();
        Assert.Equal(["system", "user"], messages.Select(m => (string)m!["role"]!));
        Assert.Equal("Hi", (string?)messages[1]!["content"]);
        Assert.Equal("fake-gpt", (string?)span.Inputs["model"]);
        Assert.Equal(0.3, (double)span.Inputs["temperature"]!, 3);
        Assert.Equal(64, (long)span.Inputs["max_tokens"]!);
        Assert.Equal("\n\n", (string?)span.Inputs["stop"]![0]);
        var choice = span.Outputs!["choices"]![0]!;
        Assert.Equal("assistant", (string?)choice["message"]!["role"]);
        Assert.Equal("You said: Hi", (string?)choice["message"]!["content"]);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
        Assert.Equal(16, (long)span.Outputs["usage"]!["total_tokens"]!);
        Assert.Equal(new TokenUsage(10, 6, 16), span.TokenUsage);
        Assert.Equal("fake-gpt", (string?)span.GetAttribute("mlflow.llm.model"));
        Assert.Equal("fake-provider", (string?)span.GetAttribute("mlflow.llm.provider"));
        Assert.Equal("openai", (string?)span.GetAttribute("mlflow.message.format"));
        Assert.Equal(new TokenUsage(10, 6, 16), trace.TokenUsage);
    }

    [Fact]
    public async Task Streaming_chunks_are_aggregated_into_one_response_and_kept_as_events()
    {
        var experiment = ServerFixture.NewName("chat-stream");
        using var chat = new FakeChatClient().AsBuilder().UseMlflowTracing().Build();
        using (var provider = fixture.Provider(experiment))
        {
            var text = "";
            await foreach (var update in chat.GetStreamingResponseAsync("Say hello")) text += update.Text;
            Assert.Equal("Hello from the stream", text);
            provider.ForceFlush();
        }

        var trace = Assert.Single(await fixture.Client.SearchTracesAsync([await fixture.ExperimentIdAsync(experiment)]).ToListAsync());
        var span = Assert.Single(trace.Spans);
        Assert.Equal(SpanType.ChatModel, span.SpanType);
        Assert.True((bool)span.Inputs!["stream"]!);
        Assert.Equal("Hello from the stream", (string?)span.Outputs!["choices"]![0]!["message"]!["content"]);
        Assert.Equal(new TokenUsage(7, 4, 11), span.TokenUsage);
        Assert.Equal(5, span.Events.Count);
        Assert.Equal("mlflow.chunk.item.0", span.Events[0].Name);
        Assert.Contains("Hello", (string?)span.Events[0].Attributes["mlflow.chunk.value"]);
        Assert.Equal(new TokenUsage(7, 4, 11), trace.TokenUsage);
        Assert.Equal("chat fake-gpt", trace.Tags["mlflow.traceName"]);
    }

    [Fact]
    public async Task Tool_calls_and_results_appear_in_OpenAI_format()
    {
        var experiment = ServerFixture.NewName("chat-tools");
        var weather = AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "Weather of a city");
        using var chat = new FakeChatClient().AsBuilder().UseFunctionInvocation().UseMlflowTracing().Build();
        using (var provider = fixture.Provider(experiment))
        {
            using (MlflowTracing.StartSpanCore("weather_agent", SpanType.Agent))
            {
                var response = await chat.GetResponseAsync("Weather in Paris?", new ChatOptions { Tools = [weather] });
                Assert.Equal("The weather is sunny in Paris", response.Text);
            }
            provider.ForceFlush();
        }

        var trace = Assert.Single(await fixture.Client.SearchTracesAsync([await fixture.ExperimentIdAsync(experiment)]).ToListAsync());
        var spans = trace.SpansOfType(SpanType.ChatModel).ToList();
        Assert.Equal(2, spans.Count);
        var first = spans[0];
        Assert.Equal("get_weather", (string?)first.Inputs!["tools"]![0]!["function"]!["name"]);
        Assert.Equal("get_weather", (string?)first.GetAttribute("mlflow.chat.tools")![0]!["function"]!["name"]);
        var call = first.Outputs!["choices"]![0]!["message"]!["tool_calls"]![0]!;
        Assert.Equal("call-1", (string?)call["id"]);
        Assert.Equal("{\"city\":\"Paris\"}", (string?)call["function"]!["arguments"]);
        Assert.Equal("tool_calls", (string?)first.Outputs["choices"]![0]!["finish_reason"]);
        var toolMessage = spans[1].Inputs!["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!;
        Assert.Equal("call-1", (string?)toolMessage["tool_call_id"]);
        Assert.Equal("sunny in Paris", (string?)toolMessage["content"]);
        // The two calls are summed for the trace.
        Assert.Equal(new TokenUsage(30, 10, 40), trace.TokenUsage);
    }

    [Fact]
    public async Task Microsoft_Extensions_AI_OpenTelemetry_spans_are_mapped_to_MLflow_semantics()
    {
        var experiment = ServerFixture.NewName("meai-otel");
        using var chat = new FakeChatClient().AsBuilder().UseOpenTelemetry(configure: c => c.EnableSensitiveData = true).Build();
        using (var provider = fixture.Provider(experiment))
        {
            await chat.GetResponseAsync("Hello there", new ChatOptions { ModelId = "fake-gpt", Temperature = 0.1f });
            provider.ForceFlush();
        }

        var trace = Assert.Single(await fixture.Client.SearchTracesAsync([await fixture.ExperimentIdAsync(experiment)]).ToListAsync());
        var span = Assert.Single(trace.Spans);
        Assert.Equal(SpanType.ChatModel, span.SpanType);
        Assert.Equal("user", (string?)span.Inputs![0]!["role"]);
        Assert.Contains("Hello there", span.Inputs.ToJsonString());
        Assert.Contains("You said: Hello there", span.Outputs!.ToJsonString());
        Assert.Equal(new TokenUsage(10, 6, 16), span.TokenUsage);
        Assert.Equal("fake-gpt", (string?)span.GetAttribute("mlflow.llm.model"));
        Assert.Equal("fake-gpt", (string?)span.GetAttribute("gen_ai.request.model"));
        Assert.Equal(new TokenUsage(10, 6, 16), trace.TokenUsage);
    }

    [Fact]
    public async Task A_decorated_client_over_an_instrumented_one_counts_tokens_once()
    {
        var experiment = ServerFixture.NewName("chat-nested");
        using var chat = new FakeChatClient().AsBuilder().UseMlflowTracing().UseOpenTelemetry().Build();
        using (var provider = fixture.Provider(experiment))
        {
            await chat.GetResponseAsync("Hi");
            provider.ForceFlush();
        }
        var trace = Assert.Single(await fixture.Client.SearchTracesAsync([await fixture.ExperimentIdAsync(experiment)]).ToListAsync());
        Assert.Equal(2, trace.Spans.Count);
        Assert.All(trace.Spans, s => Assert.Equal(new TokenUsage(10, 6, 16), s.TokenUsage));
        Assert.Equal(new TokenUsage(10, 6, 16), trace.TokenUsage);
    }
}
