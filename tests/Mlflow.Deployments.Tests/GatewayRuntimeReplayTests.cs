using System.Net;
using System.Text.Json.Nodes;
using Mlflow.Client.Models;
using Mlflow.Deployments.Tests.Infrastructure;
using static Mlflow.Deployments.Tests.DeploymentsServerReplayTests;

namespace Mlflow.Deployments.Tests;

/// <summary>
/// The tracking server's AI-gateway runtime recordings (exchanges/gateway/, the <c>/gateway/...</c> data-plane
/// routes) replayed through <see cref="MlflowGatewayDeploymentClient"/>.
/// </summary>
public sealed class GatewayRuntimeReplayTests
{
    private const string Area = "gateway";

    // The gemini streaming passthrough was recorded with Accept: application/json; the client's streaming member
    // asks for text/event-stream (the server answers an event stream either way).
    private static readonly HashSet<string> AcceptDiffers = ["err-invoke-gemini-stream-passthrough-wrong-provider"];

    /// <summary>Runtime recordings: the /gateway/... paths (CRUD under /api/3.0 and the UI's ajax proxy are not runtime).</summary>
    public static TheoryData<string> Recordings() => new(RuntimeFiles());

    private static string[] RuntimeFiles() =>
        WireExchange.Files(Area).Where(f => WireExchange.Load(Area, f).Path.StartsWith("/gateway/", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void EveryRuntimeRecordingHasAScenario()
    {
        var names = RuntimeFiles().Select(f => WireExchange.Load(Area, f).Name).ToArray();
        Assert.Equal(8, names.Length);
        Assert.All(names, n => Assert.True(Scenarios.ContainsKey(n), n));
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public async Task Replays(string file)
    {
        var exchange = WireExchange.Load(Area, file);
        var handler = new ReplayHandler(exchange);
        using var client = Wire.GatewayClient(handler);

        await Scenarios[exchange.Name](client, exchange);

        Wire.AssertSent(exchange, Assert.Single(handler.Sent), compareAccept: !AcceptDiffers.Contains(exchange.Name));
    }

    private static readonly Dictionary<string, Func<MlflowGatewayDeploymentClient, WireExchange, Task>> Scenarios = new()
    {
        ["invoke-openai-compatible-chat"] = async (c, x) =>
        {
            var response = await c.OpenAi.PostAsync("chat/completions", OpenAiChat("wire-chat"));
            Assert.Equal(x.ResponseRawBody, response.RawJson);
            Wire.AssertNothingLost(x.ResponseRawBody, response.AsChat());
            Assert.Equal("25", response.Headers["x-mlflow-gateway-duration-ms"]);
            Assert.Equal("22", response.Headers["x-mlflow-gateway-overhead-duration-ms"]);
        },
        ["invoke-openai-passthrough-chat"] = async (c, x) =>
        {
            var response = await c.PassthroughAsync("openai/v1/chat/completions", OpenAiChat("wire-chat"));
            Assert.Equal(x.ResponseRawBody, response.RawJson);
            Wire.AssertNothingLost(x.ResponseRawBody, response.AsChat());
        },
        ["err-invoke-unknown-endpoint"] = async (c, x) =>
        {
            // FastAPI detail wrapping an MLflow error object.
            var e = await Assert.ThrowsAsync<DeploymentNotFoundException>(() => c.PredictAsync(endpoint: "no-such-endpoint", inputs: Chat("Say hello")));
            Assert.Equal("RESOURCE_DOES_NOT_EXIST", e.RawErrorCode);
            Assert.Equal(MlflowErrorCode.ResourceDoesNotExist, e.ErrorCode);
            Assert.Equal("GatewayEndpoint not found (name='no-such-endpoint')", e.Detail);
            Assert.Equal(x.ResponseRawBody, e.ResponseBody);
        },
        ["err-invoke-anthropic-passthrough-wrong-provider"] = async (c, x) =>
        {
            var body = new JsonObject { ["model"] = "wire-chat", ["max_tokens"] = 16, ["messages"] = Chat("Say hello")["messages"]!.DeepClone() };
            var e = await AssertError(x, HttpStatusCode.BadRequest, () => c.PassthroughAsync("anthropic/v1/messages", body));
            Assert.StartsWith("Unsupported passthrough endpoint '/anthropic/v1/messages'", e.Detail);
        },
        ["invoke-openai-passthrough-embeddings"] = async (c, x) =>
        {
            var response = await c.PassthroughAsync("openai/v1/embeddings", new JsonObject { ["model"] = "wire-chat", ["input"] = new JsonArray("hello", "world") });
            Wire.AssertNothingLost(x.ResponseRawBody, response.AsEmbeddings());
            Assert.Equal(2, response.AsEmbeddings().Data!.Count);
        },
        ["invoke-openai-passthrough-responses"] = async (c, x) =>
        {
            var response = await c.PassthroughAsync("openai/v1/responses", new JsonObject { ["model"] = "wire-chat", ["input"] = "Say hello" });
            Assert.Equal(x.ResponseRawBody, response.RawJson);
            Assert.Equal("Hello from the stub upstream.", response.AsChat().FirstContent);
        },
        ["err-invoke-gemini-passthrough-wrong-provider"] = (c, x) =>
            AssertError(x, HttpStatusCode.BadRequest, () => c.PassthroughAsync("gemini/v1beta/models/wire-chat:generateContent", GeminiBody())),
        ["err-invoke-gemini-stream-passthrough-wrong-provider"] = async (c, x) =>
        {
            // 200 + an SSE error frame: surfaces as an exception carrying the frame, not as a chunk.
            var e = await Assert.ThrowsAsync<DeploymentsStreamException>(() => Collect(c.PassthroughStreamAsync("gemini/v1beta/models/wire-chat:streamGenerateContent", GeminiBody())));
            Assert.Equal(0, e.ChunksReceived);
            Assert.Contains("(AIGatewayException)", e.Message);
            Assert.Contains("Unsupported passthrough endpoint", e.Message);
            Assert.Equal("AIGatewayException", e.ErrorFrame!["error"]!["type"]!.GetValue<string>());
        },
    };

    [Fact]
    public async Task Streaming_predict_posts_to_the_mlflow_invocations_route_and_stops_at_DONE()
    {
        // Synthetic (no success recording of this route): OpenAI-style chunks from the recording, then data: [DONE].
        var recorded = WireExchange.Load("deployments", "openai-chat-stream");
        var handler = new ReplayHandler();
        handler.Enqueue(() => ReplayHandler.Answer(200, recorded.ResponseRawBody + "data: [DONE]\n\n", "text/event-stream; charset=utf-8"));
        using var client = Wire.GatewayClient(handler);

        var chunks = await Collect(client.ChatStreamAsync("wire-chat", new DeploymentsChatRequest { Messages = [DeploymentsChatMessage.User("Say hello")] }));

        Assert.Equal(recorded.RecordedEventData().Count, chunks.Count);
        Assert.Equal("Hello from the stub.", string.Concat(chunks.Select(c => c.ContentDelta)));
        var sent = Assert.Single(handler.Sent);
        Assert.Equal("/gateway/wire-chat/mlflow/invocations", sent.Uri.AbsolutePath);
        Assert.Equal("text/event-stream", sent.Headers["accept"]);
        Wire.AssertJsonEqual(JsonNode.Parse("""{"messages":[{"role":"user","content":"Say hello"}],"stream":true}"""), JsonNode.Parse(sent.Body!));
    }

    [Fact]
    public async Task Gateway_target_is_resolved_from_its_scheme_and_has_no_deployments()
    {
        var client = DeploymentClients.Get("mlflow-gateway+https://tracking.example:5000/prefix");
        var gateway = Assert.IsType<MlflowGatewayDeploymentClient>(client);
        Assert.Equal(new Uri("https://tracking.example:5000/prefix"), gateway.TrackingUri);
        var e = await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(() => client.ListDeploymentsAsync());
        Assert.Equal("ListDeploymentsAsync", e.Operation);
    }

    private static JsonObject OpenAiChat(string model) =>
        new() { ["model"] = model, ["messages"] = Chat("Say hello")["messages"]!.DeepClone() };

    private static JsonObject GeminiBody() => (JsonObject)JsonNode.Parse("""{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""")!;
}
