// A trimmed (and AOT-ready) app on Mlflow.Client, Mlflow.Webhooks and Mlflow.Deployments. It talks to the MLflow
// server at MLFLOW_TRACKING_URI: creates an experiment and reads it back, signs and verifies a webhook delivery, and
// asks the same server for a deployments endpoint (a tracking server has none: the error comes back typed). Each step
// prints one line; the exit code is 0 when all of them behaved.
using System.Text.Json;
using Mlflow;
using Mlflow.Deployments;
using Mlflow.Webhooks;

var trackingUri = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI");
if (string.IsNullOrEmpty(trackingUri))
{
    Console.Error.WriteLine("Set MLFLOW_TRACKING_URI to an MLflow tracking server, e.g. http://127.0.0.1:5000.");
    return 2;
}

// 1. The client: the facade call and the Kiota-level builders, over the whole pipeline.
using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = trackingUri, MaxRetries = 1 });
var name = "trimmed-" + Guid.NewGuid().ToString("N")[..8];
var experimentId = await mlflow.CreateExperimentAsync(name);
var read = await mlflow.Api.Api.V20.Mlflow.Experiments.Get.GetAsync(r => r.QueryParameters.ExperimentId = experimentId);
Console.WriteLine($"experiment {read?.Experiment?.Name} {experimentId}");

try
{
    await mlflow.Api.Api.V20.Mlflow.Experiments.Get.GetAsync(r => r.QueryParameters.ExperimentId = "987654321987");
    Console.WriteLine("missing experiment: no error");
    return 1;
}
catch (MlflowException e) when (e.IsNotFound)
{
    Console.WriteLine($"missing experiment {e.RawErrorCode}");
}

// 2. Webhooks: sign as MLflow does, verify, type the payload.
var signer = new WebhookSigner("sample-secret");
using var data = JsonDocument.Parse("""{"name": "model", "version": "1", "source": "runs:/r/model", "run_id": "r", "tags": {}, "description": null}""");
var delivery = signer.CreateDelivery("model_version", "created", data.RootElement);
var verifier = new WebhookVerifier(new WebhookVerifierOptions { Secrets = { "sample-secret" } });
var result = verifier.Verify(delivery.DeliveryId, delivery.Timestamp, delivery.Signature, delivery.Body.Span);
Console.WriteLine($"webhook {result.IsVerified} {result.Delivery?.Payload?.GetType().Name}");

// 3. Deployments on the same pipeline: a tracking server has no deployments endpoints, so this is a typed error.
using var deployments = new MlflowDeploymentClient(trackingUri, new DeploymentClientOptions { MaxRetries = 0 });
try
{
    await deployments.GetEndpointAsync("chat");
    Console.WriteLine("deployments endpoint: no error");
    return 1;
}
catch (DeploymentsException e)
{
    Console.WriteLine($"deployments {(int?)e.StatusCode} {e.GetType().Name}");
}

return result.IsVerified ? 0 : 1;
