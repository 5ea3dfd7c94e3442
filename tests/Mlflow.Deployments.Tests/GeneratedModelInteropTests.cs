using Mlflow.Deployments.Tests.Infrastructure;
using Generated = Mlflow.Client.Models;

namespace Mlflow.Deployments.Tests;

/// <summary>Recorded answers also parse into the spec's generated models (Mlflow.Client.Models.Deployments*).</summary>
public sealed class GeneratedModelInteropTests
{
    [Fact]
    public void Chat_answer_and_chunks_parse_into_generated_models()
    {
        var chat = new PredictionsResponse(WireExchange.Load("deployments", "invoke-chat").ResponseRawBody)
            .Parse(Generated.DeploymentsChatResponse.CreateFromDiscriminatorValue);
        Assert.Equal("Hello from the stub upstream.", Assert.IsType<Microsoft.Kiota.Abstractions.Serialization.UntypedString>(chat.Choices![0].Message!.Content).GetValue());
        Assert.Equal("openai", chat.Provider);
        Assert.Equal(15, chat.Usage!.TotalTokens);

        var stream = WireExchange.Load("deployments", "invoke-chat-stream");
        var chunks = stream.RecordedEventData().Select(d => new PredictionChunk(d).Parse(Generated.DeploymentsChatChunk.CreateFromDiscriminatorValue)).ToArray();
        Assert.Equal("Hello from the stub.", string.Concat(chunks.Select(c => c.Choices is { Count: > 0 } ch ? ch[0].Delta?.Content : null)));
        Assert.Equal(13, chunks[^1].Usage!.TotalTokens);
    }

    [Fact]
    public void Completions_embeddings_and_endpoint_parse_into_generated_models()
    {
        var completion = new PredictionsResponse(WireExchange.Load("deployments", "invoke-completions").ResponseRawBody)
            .Parse(Generated.DeploymentsCompletionsResponse.CreateFromDiscriminatorValue);
        Assert.Equal(" a stub completion.", completion.Choices![0].Text);

        var embeddings = new PredictionsResponse(WireExchange.Load("deployments", "invoke-embeddings-batch").ResponseRawBody)
            .Parse(Generated.DeploymentsEmbeddingsResponse.CreateFromDiscriminatorValue);
        Assert.Equal(2, embeddings.Data!.Count);

        var endpoint = EndpointInfo.FromJson(WireExchange.Load("deployments", "get-endpoint-completions-with-limit").ResponseBody!.AsObject())
            .Parse(Generated.DeploymentsEndpoint.CreateFromDiscriminatorValue);
        Assert.Equal(("completions", "llm/v1/completions", "openai"), (endpoint.Name, endpoint.EndpointType, endpoint.Model!.Provider));
    }

    [Fact]
    public void Typed_accessors_are_the_generated_models_and_helpers_read_them()
    {
        var raw = WireExchange.Load("deployments", "invoke-chat").ResponseRawBody;
        Generated.DeploymentsChatResponse chat = new PredictionsResponse(raw).AsChat();
        Assert.Equal("Hello from the stub upstream.", chat.FirstContent);

        var parts = new PredictionsResponse("""{"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]}""").AsChat();
        Assert.Equal("ab", parts.FirstContent);
        Assert.Null(new PredictionsResponse("""{"choices":[]}""").AsChat().FirstContent);

        var base64 = new PredictionsResponse("""{"object":"list","data":[{"object":"embedding","embedding":"AAAA","index":0}]}""").AsEmbeddings();
        Assert.Null(base64.Data![0].Vector);

        var chunk = new PredictionChunk("""{"object":"text_completion_chunk","choices":[{"index":0,"text":"x"}]}""").AsCompletionsChunk();
        Assert.Equal("x", chunk.TextDelta);
    }

    [Fact]
    public void Request_helpers_write_the_spec_shapes_with_the_kiota_writer()
    {
        Wire.AssertJsonEqual(
            System.Text.Json.Nodes.JsonNode.Parse("""{"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"assistant","content":"a"}],"max_tokens":3}"""),
            Mlflow.Deployments.Http.KiotaJson.ToJsonObject(new Generated.DeploymentsChatRequest
            {
                Messages = [Generated.DeploymentsChatMessage.System("s"), Generated.DeploymentsChatMessage.User("u"), Generated.DeploymentsChatMessage.Assistant("a")],
                MaxTokens = 3,
            }));
        Wire.AssertJsonEqual(
            System.Text.Json.Nodes.JsonNode.Parse("""{"input":["a","b"]}"""),
            Mlflow.Deployments.Http.KiotaJson.ToJsonObject(Generated.DeploymentsEmbeddingsRequest.ForTexts("a", "b")));
        Wire.AssertJsonEqual(
            System.Text.Json.Nodes.JsonNode.Parse("""{"model":"e","input":"a"}"""),
            Mlflow.Deployments.Http.KiotaJson.ToJsonObject(Generated.DeploymentsOpenAiEmbeddingsRequest.ForText("e", "a")));
    }
}
