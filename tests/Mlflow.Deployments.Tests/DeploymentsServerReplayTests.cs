using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using Mlflow.Client.Models;
using Mlflow.Deployments.Http;
using Mlflow.Deployments.Tests.Infrastructure;

namespace Mlflow.Deployments.Tests;

/// <summary>
/// Every exchange recorded against the MLflow Deployments server (exchanges/deployments/) replayed through the
/// client: the client must send the recorded request and parse the recorded answer with nothing lost, or map the
/// recorded error. One scenario per recording; a recording without a scenario fails <see cref="EveryRecordingHasAScenario"/>.
/// </summary>
public sealed class DeploymentsServerReplayTests
{
    private const string Area = "deployments";

    // Recordings whose request differs from what the client sends in one header only, and why.
    private static readonly Dictionary<string, string> AcceptDiffers = new()
    {
        ["health"] = "the recorder sent Accept: */*; the client asks for application/json (the answer is JSON)",
    };

    public static TheoryData<string> Recordings() => new(WireExchange.Files(Area));

    [Fact]
    public void EveryRecordingHasAScenario()
    {
        var missing = WireExchange.Files(Area).Select(f => f[5..^5]).Where(n => !Scenarios.ContainsKey(n)).ToArray();
        Assert.Empty(missing);
        Assert.Equal(48, WireExchange.Files(Area).Count());
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public async Task Replays(string file)
    {
        var exchange = WireExchange.Load(Area, file);
        var handler = new ReplayHandler(exchange);
        using var client = Wire.DeploymentsClient(handler);

        await Scenarios[exchange.Name](client, exchange);

        var sent = Assert.Single(handler.Sent);
        Wire.AssertSent(exchange, sent, compareAccept: !AcceptDiffers.ContainsKey(exchange.Name));
    }

    private static readonly Dictionary<string, Func<MlflowDeploymentClient, WireExchange, Task>> Scenarios = new()
    {
        ["health"] = async (c, x) => Wire.AssertJsonEqual(x.ResponseBody, await c.HealthAsync()),
        ["openapi-json"] = async (c, x) => Assert.Equal(x.ResponseRawBody, await c.GetOpenApiDocumentAsync()),
        ["list-endpoints-page-2"] = async (c, x) =>
        {
            var page = await c.ListEndpointsPageAsync("eyJpbmRleCI6IDF9");
            Wire.AssertNothingLost(x.ResponseRawBody, page);
            Assert.Equal(["completions", "embeddings"], page.Endpoints!.Select(e => e.Name));
            Assert.Null(page.NextPageToken);
            Assert.Equal(2, page.Endpoints![0].Limit!.Calls);
            Assert.Equal("minute", page.Endpoints![0].Limit!.RenewalPeriod);
            Assert.Null(page.Endpoints![1].Limit);
        },
        ["err-list-endpoints-bad-page-token"] = async (c, x) =>
        {
            var e = await Assert.ThrowsAsync<DeploymentsException>(() => c.ListEndpointsPageAsync("not-a-token"));
            Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
            Assert.Equal("Internal Server Error", e.Detail);
            Assert.Equal("text/plain; charset=utf-8", e.ResponseContentType);
            Assert.Equal(x.ResponseRawBody, e.ResponseBody);
        },
        ["get-endpoint-chat"] = async (c, x) => AssertEndpoint(x, await c.GetEndpointAsync("chat"), "llm/v1/chat"),
        ["get-endpoint-completions-with-limit"] = async (c, x) =>
        {
            var info = await c.GetEndpointAsync("completions");
            AssertEndpoint(x, info, "llm/v1/completions");
            Assert.Equal(2, info.Parse(DeploymentsEndpoint.CreateFromDiscriminatorValue).Limit!.Calls);
        },
        ["err-get-endpoint-unknown"] = (c, x) => AssertNotFound(x, () => c.GetEndpointAsync("no-such-endpoint")),
        ["err-get-endpoint-traffic-route-name"] = (c, x) => AssertNotFound(x, () => c.GetEndpointAsync("chat-split")),
        ["get-endpoint-v3"] = async (c, x) => AssertEndpoint(x, await c.GetEndpointV3Async("chat"), "llm/v1/chat"),
        ["err-get-endpoint-v3-unknown"] = (c, x) => AssertNotFound(x, () => c.GetEndpointV3Async("no-such-endpoint")),
        ["err-get-route-v3-unknown"] = (c, x) => AssertNotFound(x, () => c.GetTrafficRouteAsync("no-such-route")),
        ["legacy-list-routes"] = async (c, x) => Wire.AssertJsonEqual(x.ResponseBody, await c.Legacy.ListRoutesPageAsync()),
        ["legacy-list-routes-page-2"] = async (c, x) => Wire.AssertJsonEqual(x.ResponseBody, await c.Legacy.ListRoutesPageAsync("eyJpbmRleCI6IDJ9")),
        ["legacy-get-route"] = async (c, x) =>
        {
            var route = await c.Legacy.GetRouteAsync("completions");
            Assert.Equal("completions", route.Name);
            Assert.Equal("llm/v1/completions", route.EndpointType);
            Wire.AssertJsonEqual(x.ResponseBody, route.Json);
        },
        ["get-limits"] = (c, x) => AssertError(x, HttpStatusCode.NotImplemented, () => c.GetLimitsAsync("completions")),
        ["set-limits"] = (c, x) => AssertError(x, HttpStatusCode.NotImplemented, () => c.SetLimitsAsync(
            new JsonObject { ["route"] = "completions", ["limits"] = new JsonArray(new JsonObject { ["calls"] = 5, ["renewal_period"] = "minute" }) })),
        ["err-set-limits-missing-fields"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.UnprocessableEntity, () => c.SetLimitsAsync(new JsonObject { ["endpoint"] = "completions" }));
            Assert.Equal(["body.route", "body.limits"], e.ValidationErrors.Select(v => v.LocationPath));
            Assert.All(e.ValidationErrors, v => Assert.Equal("missing", v.Type));
            Assert.Equal("body.route: Field required; body.limits: Field required", e.Detail);
        },
        ["legacy-get-limits"] = (c, x) => AssertError(x, HttpStatusCode.NotImplemented, () => c.Legacy.GetLimitsAsync("completions")),
        ["invoke-chat"] = async (c, x) =>
        {
            var request = new DeploymentsChatRequest { Messages = [DeploymentsChatMessage.User("Say hello")], Temperature = 0.2, MaxTokens = 32 };
            var response = await c.PredictAsync(endpoint: "chat", inputs: KiotaJson.ToJsonObject(request));
            Assert.Equal(x.ResponseRawBody, response.RawJson);
            var chat = response.AsChat();
            Wire.AssertNothingLost(x.ResponseRawBody, chat);
            Assert.Equal("Hello from the stub upstream.", chat.FirstContent);
            Assert.Equal("openai", chat.Provider);
            Assert.Equal(15, chat.Usage!.TotalTokens);
        },
        ["invoke-chat-stream"] = async (c, x) =>
        {
            var chunks = await Collect(c.PredictStreamAsync(endpoint: "chat", inputs: Chat("Say hello")));
            AssertChunks(x, chunks, ch => ch.AsChatChunk());
            Assert.Equal("Hello from the stub.", string.Concat(chunks.Select(ch => ch.AsChatChunk().ContentDelta)));
            Assert.Equal(13, chunks[^1].AsChatChunk().Usage!.TotalTokens);
        },
        ["invoke-completions"] = async (c, x) =>
        {
            var completion = await c.CompletionsAsync("completions", new DeploymentsCompletionsRequest { Prompt = "Complete this:", MaxTokens = 16 });
            Wire.AssertNothingLost(x.ResponseRawBody, completion);
            Assert.Equal(" a stub completion.", completion.FirstText);
        },
        ["invoke-completions-stream"] = async (c, x) =>
        {
            var chunks = await Collect(c.PredictStreamAsync(endpoint: "completions", inputs: new JsonObject { ["prompt"] = "Complete this:" }));
            AssertChunks(x, chunks, ch => ch.AsCompletionsChunk());
            Assert.Equal(" a stub completion.", string.Concat(chunks.Select(ch => ch.AsCompletionsChunk().TextDelta)));
        },
        ["invoke-embeddings"] = async (c, x) =>
        {
            var embeddings = await c.EmbeddingsAsync("embeddings", DeploymentsEmbeddingsRequest.ForText("hello"));
            Wire.AssertNothingLost(x.ResponseRawBody, embeddings);
            Assert.Equal([0.1, 0.2, 0.3], embeddings.Data![0].Vector!);
        },
        ["invoke-embeddings-batch"] = async (c, x) =>
        {
            var embeddings = await c.EmbeddingsAsync("embeddings", DeploymentsEmbeddingsRequest.ForTexts("hello", "world"));
            Wire.AssertNothingLost(x.ResponseRawBody, embeddings);
            Assert.Equal([0, 1], embeddings.Data!.Select(d => d.Index));
        },
        ["invoke-traffic-route"] = async (c, x) =>
        {
            var chat = await c.ChatAsync("chat-split", new DeploymentsChatRequest { Messages = [DeploymentsChatMessage.User("Say hello")] });
            Wire.AssertNothingLost(x.ResponseRawBody, chat);
        },
        ["gateway-invoke-chat"] = async (c, x) => Assert.Equal(x.ResponseRawBody, (await c.Legacy.InvokeAsync("chat", Chat("Say hello"))).RawJson),
        ["gateway-invoke-completions"] = async (c, x) =>
            Wire.AssertNothingLost(x.ResponseRawBody, (await c.Legacy.InvokeAsync("completions", new JsonObject { ["prompt"] = "Complete this:" })).AsCompletions()),
        ["gateway-invoke-embeddings"] = async (c, x) =>
            Wire.AssertNothingLost(x.ResponseRawBody, (await c.Legacy.InvokeAsync("embeddings", new JsonObject { ["input"] = new JsonArray("hello") })).AsEmbeddings()),
        ["openai-chat"] = async (c, x) =>
            Wire.AssertNothingLost(x.ResponseRawBody, await c.OpenAi.ChatAsync(new DeploymentsOpenAiChatRequest { Model = "chat", Messages = [DeploymentsChatMessage.User("Say hello")] })),
        ["openai-chat-stream"] = async (c, x) =>
        {
            var chunks = await Collect(c.OpenAi.ChatStreamAsync(new DeploymentsOpenAiChatRequest { Model = "chat", Messages = [DeploymentsChatMessage.User("Say hello")] }));
            var recorded = x.RecordedEventData();
            Assert.Equal(recorded.Count, chunks.Count);
            for (var i = 0; i < recorded.Count; i++)
            {
                Wire.AssertNothingLost(recorded[i], chunks[i]);
            }
        },
        ["openai-completions"] = async (c, x) =>
            Wire.AssertNothingLost(x.ResponseRawBody, await c.OpenAi.CompletionsAsync(new DeploymentsOpenAiCompletionsRequest { Model = "completions", Prompt = "Complete this:" })),
        ["openai-completions-stream"] = async (c, x) =>
        {
            var chunks = await Collect(c.OpenAi.CompletionsStreamAsync(new DeploymentsOpenAiCompletionsRequest { Model = "completions", Prompt = "Complete this:" }));
            var recorded = x.RecordedEventData();
            Assert.Equal(recorded.Count, chunks.Count);
            for (var i = 0; i < recorded.Count; i++)
            {
                Wire.AssertNothingLost(recorded[i], chunks[i]);
            }
        },
        ["openai-embeddings"] = async (c, x) =>
            Wire.AssertNothingLost(x.ResponseRawBody, await c.OpenAi.EmbeddingsAsync(DeploymentsOpenAiEmbeddingsRequest.ForTexts("embeddings", "hello", "world"))),
        ["openai-embeddings-stream-flag"] = async (c, x) =>
        {
            // Embeddings ignore "stream": the JSON answer comes back as one chunk.
            var chunk = Assert.Single(await Collect(c.OpenAi.StreamAsync("embeddings", new JsonObject { ["model"] = "embeddings", ["input"] = "hello" })));
            Assert.Equal(x.ResponseRawBody, chunk.Data);
            Wire.AssertNothingLost(x.ResponseRawBody, chunk.Parse(DeploymentsEmbeddingsResponse.CreateFromDiscriminatorValue));
        },
        ["err-gateway-invoke-unknown-endpoint"] = (c, x) => AssertNotFound(x, () => c.Legacy.InvokeAsync("no-such-endpoint", Chat("Say hello"))),
        ["err-invoke-wrong-method"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.MethodNotAllowed, () => c.SendAsync(HttpMethod.Get, "endpoints/chat/invocations"));
            Assert.Equal("Method Not Allowed", e.Detail);
        },
        ["err-invoke-chat-missing-messages"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.UnprocessableEntity, () => c.PredictAsync(endpoint: "chat", inputs: new JsonObject { ["prompt"] = "Say hello" }));
            var v = Assert.Single(e.ValidationErrors);
            Assert.Equal(("missing", "body.messages", "Field required"), (v.Type, v.LocationPath, v.Message));
            Wire.AssertJsonEqual(new JsonObject { ["prompt"] = "Say hello" }, v.Input);
        },
        ["err-invoke-chat-empty-messages"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.UnprocessableEntity, () => c.PredictAsync(endpoint: "chat", inputs: new JsonObject { ["messages"] = new JsonArray() }));
            var v = Assert.Single(e.ValidationErrors);
            Assert.Equal("too_short", v.Type);
            Assert.Equal(1, v.Context!["min_length"]!.GetValue<int>());
        },
        ["err-invoke-chat-invalid-json"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.UnprocessableEntity, () => c.SendAsync(HttpMethod.Post, "endpoints/chat/invocations", "{\"messages\": ["));
            var v = Assert.Single(e.ValidationErrors);
            Assert.Equal(("json_invalid", "body.14"), (v.Type, v.LocationPath));
        },
        ["err-invoke-chat-model-field"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.UnprocessableEntity, () => c.ChatAsync("chat", new DeploymentsChatRequest { Messages = [DeploymentsChatMessage.User("Say hello")], AdditionalData = new Dictionary<string, object> { ["model"] = "gpt-4o" } }));
            Assert.Empty(e.ValidationErrors);
            Assert.StartsWith("The parameter 'model' is not permitted", e.Detail);
        },
        ["err-invoke-embeddings-with-chat-payload"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.UnprocessableEntity, () => c.PredictAsync(endpoint: "embeddings", inputs: Chat("Say hello")));
            Assert.Equal("body.input", Assert.Single(e.ValidationErrors).LocationPath);
        },
        ["err-openai-chat-wrong-endpoint-type"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.BadRequest, () => c.OpenAi.ChatAsync(new DeploymentsOpenAiChatRequest { Model = "embeddings", Messages = [DeploymentsChatMessage.User("Say hello")] }));
            Assert.Equal("Endpoint 'embeddings' is not a chat endpoint.", e.Detail);
        },
        ["err-openai-embeddings-wrong-endpoint-type"] = (c, x) =>
            AssertError(x, HttpStatusCode.BadRequest, () => c.OpenAi.EmbeddingsAsync(DeploymentsOpenAiEmbeddingsRequest.ForText("chat", "hello"))),
        ["err-openai-chat-unknown-model"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.InternalServerError, () => c.OpenAi.ChatAsync(new DeploymentsOpenAiChatRequest { Model = "no-such-endpoint", Messages = [DeploymentsChatMessage.User("Say hello")] }));
            Assert.Equal("Internal Server Error", e.Detail);
        },
        ["err-openai-chat-missing-model"] = (c, x) =>
            AssertError(x, HttpStatusCode.InternalServerError, () => c.OpenAi.ChatAsync(new DeploymentsOpenAiChatRequest { Messages = [DeploymentsChatMessage.User("Say hello")] })),
        ["err-invoke-chat-provider-error"] = async (c, x) =>
        {
            var e = await AssertError(x, HttpStatusCode.InternalServerError, () => c.PredictAsync(endpoint: "chat", inputs: Chat("Say hello")));
            Assert.Equal("The stub upstream failed on purpose (injected error).", e.Detail);
            Assert.Contains("The stub upstream failed on purpose", e.Message);
        },
        ["err-invoke-chat-stream-provider-error"] = async (c, x) =>
        {
            // 200 and SSE headers, then the connection closes with no event: a clear error, not a silent end.
            var e = await Assert.ThrowsAsync<DeploymentsStreamException>(() => Collect(c.PredictStreamAsync(endpoint: "chat", inputs: Chat("Say hello"))));
            Assert.Equal(0, e.ChunksReceived);
            Assert.Contains("broke off", e.Message);
            Assert.Null(e.ErrorFrame);
        },
        ["err-unknown-path"] = (c, x) => AssertNotFound(x, () => c.SendAsync(HttpMethod.Get, "api/2.0/no-such-path")),
    };

    internal static JsonObject Chat(string text) =>
        new() { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }) };

    internal static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private static void AssertEndpoint(WireExchange x, EndpointInfo info, string type)
    {
        Assert.Equal(x.ResponseBody!["name"]!.GetValue<string>(), info.Name);
        Assert.Equal(type, info.EndpointType);
        Wire.AssertJsonEqual(x.ResponseBody, info.Json);
        Wire.AssertNothingLost(x.ResponseRawBody, info.Parse(DeploymentsEndpoint.CreateFromDiscriminatorValue));
    }

    private static void AssertChunks(WireExchange x, IReadOnlyList<PredictionChunk> chunks, Func<PredictionChunk, IParsable> typed)
    {
        var recorded = x.RecordedEventData();
        Assert.Equal(recorded, chunks.Select(ch => ch.Data));
        Assert.All(chunks, ch => Assert.Equal("message", ch.EventType));
        for (var i = 0; i < recorded.Count; i++)
        {
            Wire.AssertNothingLost(recorded[i], typed(chunks[i]));
        }
    }

    internal static async Task AssertNotFound(WireExchange x, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<DeploymentNotFoundException>(call);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.True(e.IsNotFound);
        Assert.Equal(x.ResponseRawBody, e.ResponseBody);
        var detail = x.ResponseBody?["detail"];
        if (detail is JsonValue)
        {
            Assert.Equal(detail.GetValue<string>(), e.Detail);
            Assert.Contains(e.Detail!, e.Message);
        }
    }

    internal static async Task<DeploymentsException> AssertError(WireExchange x, HttpStatusCode status, Func<Task> call)
    {
        var e = await Assert.ThrowsAnyAsync<DeploymentsException>(call);
        Assert.Equal(status, e.StatusCode);
        Assert.Equal(x.ResponseRawBody, e.ResponseBody);
        Assert.Equal(x.ResponseContentType, e.ResponseContentType);
        Assert.False(string.IsNullOrEmpty(e.Detail));
        if (x.ResponseBody?["detail"] is JsonValue detail)
        {
            Assert.Equal(detail.GetValue<string>(), e.Detail);
        }

        return e;
    }
}
