using Mlflow.Samples.Quickstart;

return await QuickstartSample.RunAsync(Console.Out, Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI"));
