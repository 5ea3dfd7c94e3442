using Mlflow.Samples.TracingChat;

return await TracingChatSample.RunAsync(Console.Out, Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI"));
