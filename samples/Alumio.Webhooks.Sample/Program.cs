using Alumio.Webhooks.Sample;

var app = SampleApp.Create(args);
app.Run();
