using Microsoft.Kiota.Abstractions.Serialization;
using Mlflow.Client.Models;
using Mlflow.Deployments.Tests.Infrastructure;

namespace Mlflow.Deployments.Tests;

/// <summary>The README's deployments lines, run against a handler replaying the recorded chat exchanges.</summary>
public sealed class ReadmeSampleTests
{
    [Fact]
    public async Task Predict_and_streaming_predict_as_in_the_README()
    {
        var replay = new ReplayHandler(WireExchange.Load("deployments", "invoke-chat"), WireExchange.Load("deployments", "invoke-chat-stream"));
        var output = new StringWriter();

        // --- README ---
        var client = new MlflowDeploymentClient("http://localhost:5000", new() { InnerHandler = replay, EnvironmentSource = MlflowEnvironment.Empty });
        var chat = await client.ChatAsync("chat", new() { Messages = [DeploymentsChatMessage.User("Say hello")], Temperature = 0.2, MaxTokens = 32 });
        output.WriteLine(chat.FirstContent);                         // Hello from the stub upstream.
        await foreach (var chunk in client.ChatStreamAsync("chat", new() { Messages = [DeploymentsChatMessage.User("Say hello")] }))
            output.Write(chunk.ContentDelta);                         // Hello from the stub.
        // --- end ---

        Assert.Equal("Hello from the stub upstream." + Environment.NewLine + "Hello from the stub.", output.ToString());
        Wire.AssertSent(WireExchange.Load("deployments", "invoke-chat"), replay.Sent[0]);
        Wire.AssertSent(WireExchange.Load("deployments", "invoke-chat-stream"), replay.Sent[1]);
        client.Dispose();
    }

    [Fact]
    public async Task Resolving_the_client_from_the_target_URI_as_in_the_README()
    {
        var replay = new ReplayHandler(WireExchange.Load("deployments", "invoke-embeddings"));
        var registry = new DeploymentTargetRegistry([new MlflowDeploymentsPlugin(() => new() { InnerHandler = replay, EnvironmentSource = MlflowEnvironment.Empty })]);

        IDeploymentClient client = registry.GetClient("http://localhost:5000");
        var response = await client.PredictAsync(endpoint: "embeddings", inputs: new System.Text.Json.Nodes.JsonObject { ["input"] = "hello" });

        Assert.Equal([0.1, 0.2, 0.3], response.AsEmbeddings().Data![0].Vector!);
    }
}

/// <summary>The assertions used against the recordings reject what they should (guards against vacuous passes).</summary>
public sealed class WireAssertionTests
{
    [Fact]
    public void Nothing_lost_fails_when_a_field_is_dropped_or_changed()
    {
        var raw = WireExchange.Load("deployments", "invoke-chat").ResponseRawBody;
        var response = new PredictionsResponse(raw);
        Wire.AssertNothingLost(raw, response.AsChat());
        var noProvider = response.AsChat();
        noProvider.Provider = null;
        Assert.ThrowsAny<Exception>(() => Wire.AssertNothingLost(raw, noProvider));
        var otherCreated = response.AsChat();
        otherCreated.Created = 1;
        Assert.ThrowsAny<Exception>(() => Wire.AssertNothingLost(raw, otherCreated));
        var extraField = response.AsChat();
        extraField.AdditionalData["x"] = "y";
        Assert.ThrowsAny<Exception>(() => Wire.AssertNothingLost(raw, extraField));
        var otherContent = response.AsChat();
        otherContent.Choices![0].Message!.Content = new UntypedString("changed");
        Assert.ThrowsAny<Exception>(() => Wire.AssertNothingLost(raw, otherContent));
    }

    [Fact]
    public void Unknown_fields_survive_in_additional_properties()
    {
        var chat = new PredictionsResponse("{\"id\":\"c\",\"system_fingerprint\":\"fp\",\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[]}}]}").AsChat();
        Assert.Equal("fp", Assert.IsType<UntypedString>(chat.AdditionalData["system_fingerprint"]).GetValue());
        Assert.True(chat.Choices![0].AdditionalData.ContainsKey("logprobs"));
        Wire.AssertNothingLost("{\"id\":\"c\",\"system_fingerprint\":\"fp\",\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[]}}]}", chat);
    }

    [Fact]
    public void Sent_request_check_fails_on_a_different_body_or_path()
    {
        var exchange = WireExchange.Load("deployments", "invoke-chat");
        var good = new SentRequest("POST", new Uri("http://h/endpoints/chat/invocations"),
            new Dictionary<string, string> { ["content-type"] = "application/json", ["accept"] = "application/json" }, exchange.RequestRawBody);
        Wire.AssertSent(exchange, good);
        Assert.ThrowsAny<Exception>(() => Wire.AssertSent(exchange, good with { Body = "{\"messages\":[]}" }));
        Assert.ThrowsAny<Exception>(() => Wire.AssertSent(exchange, good with { Uri = new Uri("http://h/gateway/chat/invocations") }));
        Assert.ThrowsAny<Exception>(() => Wire.AssertSent(exchange, good with { Headers = new Dictionary<string, string> { ["content-type"] = "application/json; charset=utf-8", ["accept"] = "application/json" } }));
    }
}
