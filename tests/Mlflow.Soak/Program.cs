using Mlflow.Soak;

var options = SoakOptions.Parse(args);
var report = await SoakRunner.RunAsync(options, Console.Out);
return report.Errors == 0 ? 0 : 1;
