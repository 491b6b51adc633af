<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CNNClassroom</name>
    <message>
        <location filename="../about.py"/>
        <location filename="../app.py"/>
        <location filename="../main_window.py"/>
        <source>CNN Classroom</source>
        <translation>CNN 课堂</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <source>An offline classroom for convolutional neural networks: draw, photograph, train and look inside.</source>
        <translation>一间离线的卷积神经网络课堂：书写、拍照、训练，并深入观察网络内部。</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <location filename="../lessons/actions.py"/>
        <location filename="../results/view.py"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <source>Shipped:</source>
        <translation>随附：</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <source>Yours (put exported &lt;code&gt;.onnx&lt;/code&gt; files here):</source>
        <translation>你的模型（把导出的 &lt;code&gt;.onnx&lt;/code&gt; 文件放在这里）：</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <location filename="../kernels/conv_controls.py"/>
        <location filename="../lessons/actions.py"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <source>Bundled data</source>
        <translation>随附数据</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <source>Stroke data</source>
        <translation>笔画数据</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <source>The licence text is in {file}</source>
        <translation>许可证文本在 {file} 中</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <source> (missing from this installation)</source>
        <translation>（此安装中缺失）</translation>
    </message>
    <message>
        <location filename="../about.py"/>
        <source>Character table</source>
        <translation>汉字表</translation>
    </message>
    <message>
        <location filename="../app.py"/>
        <source>Something went wrong. The app keeps running, but the last action may not have finished.</source>
        <translation>出错了。应用仍在运行，但上一个操作可能没有完成。</translation>
    </message>
    <message>
        <location filename="../app.py"/>
        <source>The details are in the log file:
{path}</source>
        <translation>详细信息在日志文件中：
{path}</translation>
    </message>
    <message>
        <location filename="../camera/dialogs.py"/>
        <source>Open images</source>
        <translation>打开图片</translation>
    </message>
    <message>
        <location filename="../camera/dialogs.py"/>
        <location filename="../kernels/panel.py"/>
        <location filename="../teach/dialogs.py"/>
        <location filename="../write/panel.py"/>
        <source>Images ({patterns})</source>
        <translation>图片 ({patterns})</translation>
    </message>
    <message>
        <location filename="../camera/dialogs.py"/>
        <source>Open a folder of images</source>
        <translation>打开图片文件夹</translation>
    </message>
    <message>
        <location filename="../camera/dialogs.py"/>
        <location filename="../kernels/panel.py"/>
        <source>Open a video</source>
        <translation>打开视频</translation>
    </message>
    <message>
        <location filename="../camera/dialogs.py"/>
        <location filename="../kernels/panel.py"/>
        <source>Videos ({patterns})</source>
        <translation>视频 ({patterns})</translation>
    </message>
    <message>
        <location filename="../camera/dialogs.py"/>
        <source>Save a snapshot</source>
        <translation>保存快照</translation>
    </message>
    <message>
        <location filename="../camera/dialogs.py"/>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../camera/dialogs.py"/>
        <location filename="../teach/dialogs.py"/>
        <source>Import a Teachable Machine model (its model.json or .zip)</source>
        <translation>导入 Teachable Machine 模型（选择其 model.json 或 .zip）</translation>
    </message>
    <message>
        <location filename="../camera/import_flow.py"/>
        <source>Wait for the running import to finish, or cancel it.</source>
        <translation>请等待正在进行的导入完成，或取消它。</translation>
    </message>
    <message>
        <location filename="../camera/import_flow.py"/>
        <location filename="../teach/taught_model.py"/>
        <source>Converting the Teachable Machine model {name}…</source>
        <translation>正在转换 Teachable Machine 模型 {name}…</translation>
    </message>
    <message>
        <location filename="../camera/import_flow.py"/>
        <source>Import cancelled; nothing was written.</source>
        <translation>导入已取消，未写入任何文件。</translation>
    </message>
    <message>
        <location filename="../camera/live_classification.py"/>
        <source>The model could not classify this picture: {message}</source>
        <translation>模型无法对这张画面分类：{message}</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Loading the photo models…</source>
        <translation>正在加载照片模型…</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>No photo model found. Build the ImageNet model with python -m training imagenet --base efficientnet-lite0, or put an exported photo model in your models folder.</source>
        <translation>未找到照片模型。请用 python -m training imagenet --base efficientnet-lite0 构建 ImageNet 模型，或把导出的照片模型放进你的模型文件夹。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>No camera found. Plug one in and press Retry, or use a sample photo, an image, a folder or a video instead.</source>
        <translation>未找到摄像头。请接上摄像头后按“重试”，或改用示例照片、图片、文件夹或视频。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>the picture could not be encoded</source>
        <translation>画面无法编码</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Looking for cameras…</source>
        <translation>正在查找摄像头…</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>No camera found.</source>
        <translation>未找到摄像头。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Found {n} camera(s).</source>
        <translation>找到 {n} 个摄像头。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <location filename="../camera/view.py"/>
        <location filename="../kernels/panel.py"/>
        <location filename="../kernels/view.py"/>
        <location filename="../teach/view.py"/>
        <source>Camera {index}</source>
        <translation>摄像头 {index}</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Video {name}</source>
        <translation>视频 {name}</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>The folder {folder} contains no image this app can read ({suffixes}).</source>
        <translation>文件夹 {folder} 中没有本应用能读取的图片（{suffixes}）。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Imported the Teachable Machine model as {path} ({n} classes); it agrees with the original within {difference:.1e}.</source>
        <translation>已将 Teachable Machine 模型导入为 {path}（{n} 个类别）；与原模型的差异不超过 {difference:.1e}。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Showing: {name}</source>
        <translation>正在显示：{name}</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Paused: the frame is frozen.</source>
        <translation>已暂停：画面已冻结。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>There is no picture to save yet.</source>
        <translation>还没有可保存的画面。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Cannot save the snapshot {path}: {reason}.</source>
        <translation>无法保存快照 {path}：{reason}。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Snapshot saved: {path}</source>
        <translation>快照已保存：{path}</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>{task} model, {n} classes, input {h}×{w}</source>
        <translation>{task} 模型，{n} 个类别，输入 {h}×{w}</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>{n} photo model(s) ready.</source>
        <translation>{n} 个照片模型已就绪。</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>The imported model {name} cannot run here: {reason}</source>
        <translation>导入的模型 {name} 无法在这里运行：{reason}</translation>
    </message>
    <message>
        <location filename="../camera/panel.py"/>
        <source>Preview {preview:.1f} fps · classified {classified:.1f} /s · inference {inference:.0f} ms</source>
        <translation>预览 {preview:.1f} 帧/秒 · 分类 {classified:.1f} 次/秒 · 推理 {inference:.0f} 毫秒</translation>
    </message>
    <message>
        <location filename="../camera/picture_feed.py"/>
        <source>The video {path} ended. Retry plays it again.</source>
        <translation>视频 {path} 已播放完毕。按“重试”再次播放。</translation>
    </message>
    <message>
        <location filename="../camera/preview_view.py"/>
        <source>No picture yet: choose a camera, a sample photo or a file.</source>
        <translation>还没有画面：请选择摄像头、示例照片或文件。</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>The cameras that opened when the panel looked for them</source>
        <translation>面板查找时能打开的摄像头</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <location filename="../teach/view.py"/>
        <source>Start camera</source>
        <translation>启动摄像头</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Show the live picture of the chosen camera</source>
        <translation>显示所选摄像头的实时画面</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Mirror</source>
        <translation>镜像</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Flip the picture left to right, like a mirror</source>
        <translation>左右翻转画面，像照镜子一样</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Freeze the current frame (the camera keeps running)</source>
        <translation>冻结当前画面（摄像头继续运行）</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Snapshot…</source>
        <translation>快照…</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Save the current frame as a PNG file</source>
        <translation>把当前画面保存为 PNG 文件</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Show live where the first ticked model looks: a heat map of the evidence for its top class (click a prediction to see the evidence for it)</source>
        <translation>实时显示第一个勾选的模型在看哪里：它的首选类别的证据热力图（点击某个预测可查看该类别的证据）</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <location filename="../teach/view.py"/>
        <source>Images…</source>
        <translation>图片…</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Classify photos from files</source>
        <translation>对文件中的照片进行分类</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <location filename="../teach/view.py"/>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Step through the photos of a folder</source>
        <translation>逐张浏览文件夹中的照片</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Video…</source>
        <translation>视频…</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Play a video file instead of the camera</source>
        <translation>播放视频文件，代替摄像头</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>The previous photo of the folder or selection</source>
        <translation>文件夹或所选照片中的上一张</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>The next photo of the folder or selection</source>
        <translation>文件夹或所选照片中的下一张</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Samples:</source>
        <translation>示例：</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Classify the sample photo {name}</source>
        <translation>对示例照片 {name} 进行分类</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Try the camera or file again</source>
        <translation>再次尝试摄像头或文件</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Tick two or more models to run them side by side on the same frame</source>
        <translation>勾选两个或更多模型，在同一画面上并排运行</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <location filename="../write/view.py"/>
        <source>&lt;b&gt;Compare models&lt;/b&gt;</source>
        <translation>&lt;b&gt;比较模型&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Import Teachable Machine model…</source>
        <translation>导入 Teachable Machine 模型…</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Convert a Teachable Machine TensorFlow.js export (its folder, model.json or .zip) into your models folder; you can also drop it on this panel</source>
        <translation>把 Teachable Machine 的 TensorFlow.js 导出（其文件夹、model.json 或 .zip）转换到你的模型文件夹；也可以直接拖到本面板上</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <location filename="../results/dataset_view.py"/>
        <location filename="../results/evaluate_view.py"/>
        <location filename="../teach/view.py"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Stop converting the Teachable Machine model</source>
        <translation>停止转换 Teachable Machine 模型</translation>
    </message>
    <message>
        <location filename="../camera/view.py"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../constants.py"/>
        <source>Write</source>
        <translation>书写</translation>
    </message>
    <message>
        <location filename="../constants.py"/>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../constants.py"/>
        <source>Teach</source>
        <translation>教学</translation>
    </message>
    <message>
        <location filename="../constants.py"/>
        <source>Kernels</source>
        <translation>卷积核</translation>
    </message>
    <message>
        <location filename="../constants.py"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../explain_overlay.py"/>
        <source>less</source>
        <translation>较少</translation>
    </message>
    <message>
        <location filename="../explain_overlay.py"/>
        <source>more evidence</source>
        <translation>证据较多</translation>
    </message>
    <message>
        <location filename="../explain_overlay.py"/>
        <source>occlusion</source>
        <translation>遮挡法</translation>
    </message>
    <message>
        <location filename="../explain_overlay.py"/>
        <source>class activation map</source>
        <translation>类激活图</translation>
    </message>
    <message>
        <location filename="../explain_overlay.py"/>
        <source>Why {name} ({percent:.0%})? Evidence by {method}</source>
        <translation>为什么是 {name}（{percent:.0%}）？依据：{method}</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>valid (no padding)</source>
        <translation>valid（不填充）</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>zero (&quot;same&quot;)</source>
        <translation>零填充（&quot;same&quot;）</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>replicate the edge</source>
        <translation>复制边缘</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>reflect (mirror)</source>
        <translation>反射（镜像）</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>max</source>
        <translation>最大池化</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>average</source>
        <translation>平均池化</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>rows</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>cols</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>How the image is extended at its borders before the kernel slides over it</source>
        <translation>卷积核滑过图像之前，图像边界如何扩展</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>How far the kernel moves down each step</source>
        <translation>卷积核每步向下移动多远</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>How far the kernel moves right each step</source>
        <translation>卷积核每步向右移动多远</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>Gap between kernel taps down: 2 spreads a 3×3 kernel over 5×5 pixels</source>
        <translation>卷积核采样点在纵向上的间隔：2 会把 3×3 卷积核铺到 5×5 像素上</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>Gap between kernel taps across</source>
        <translation>卷积核采样点在横向上的间隔</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>ReLU (negative → 0)</source>
        <translation>ReLU（负数 → 0）</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>Pooling window: size × size pixels</source>
        <translation>池化窗口：size × size 像素</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>How far the pooling window moves</source>
        <translation>池化窗口每步移动多远</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>Padding</source>
        <translation>填充</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>Stride</source>
        <translation>步长</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>Dilation</source>
        <translation>膨胀</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>stride</source>
        <translation>步长</translation>
    </message>
    <message>
        <location filename="../kernels/conv_controls.py"/>
        <source>Pooling</source>
        <translation>池化</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Uniform</source>
        <translation>均匀分布</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Exponential</source>
        <translation>指数分布</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Gamma</source>
        <translation>伽马分布</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Normal</source>
        <translation>正态分布</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Claims histogram (CSV)</source>
        <translation>理赔直方图（CSV）</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>rate λ</source>
        <translation>速率 λ</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>shape k</source>
        <translation>形状 k</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>scale θ</source>
        <translation>尺度 θ</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Distribution</source>
        <translation>分布</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Load a claims CSV file first.</source>
        <translation>请先加载理赔 CSV 文件。</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>{n} claim sizes from the CSV file</source>
        <translation>CSV 文件中的 {n} 个理赔金额</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>load a claims CSV file first</source>
        <translation>请先加载理赔 CSV 文件</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>X₁ with density f</source>
        <translation>X₁，密度为 f</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>X₂ with density g</source>
        <translation>X₂，密度为 g</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Simulate again</source>
        <translation>重新模拟</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Load claims CSV…</source>
        <translation>加载理赔 CSV…</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>density</source>
        <translation>密度</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>simulated X₁ + X₂</source>
        <translation>模拟的 X₁ + X₂</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>f(x)·g(s − x): its area is f ⋆ g(s)</source>
        <translation>f(x)·g(s − x)：其面积为 f ⋆ g(s)</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>f ⋆ g (numerical)</source>
        <translation>f ⋆ g（数值计算）</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Hover over or click the plot to see the sum behind a point of f ⋆ g.</source>
        <translation>将鼠标悬停在图上或点击图，查看 f ⋆ g 某一点背后的求和。</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Simulated samples</source>
        <translation>模拟样本数</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Open claim sizes</source>
        <translation>打开理赔金额</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>CSV 文件 (*.csv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Cannot use this claims file: {reason}</source>
        <translation>无法使用这个理赔文件：{reason}</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Loaded {n} claim sizes from {file}. Choose “Claims histogram (CSV)” for X₁ or X₂.</source>
        <translation>已从 {file} 加载 {n} 个理赔金额。请为 X₁ 或 X₂ 选择“理赔直方图（CSV）”。</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>Check the parameters: {reason}.</source>
        <translation>请检查参数：{reason}。</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>f ⋆ g({s:.4g}) ≈ Σⱼ f(xⱼ)·g({s:.4g} − xⱼ)·Δx with Δx = {dx:.4g}: {used} non-zero term(s) of {n}, total &lt;b&gt;{total:.6g}&lt;/b&gt;</source>
        <translation>f ⋆ g({s:.4g}) ≈ Σⱼ f(xⱼ)·g({s:.4g} − xⱼ)·Δx，其中 Δx = {dx:.4g}：共 {n} 项中有 {used} 个非零项，总和 &lt;b&gt;{total:.6g}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../kernels/density_view.py"/>
        <source>total</source>
        <translation>总计</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Course &quot;X&quot; kernel</source>
        <translation>课程中的“X”卷积核</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>The course&apos;s 3×3 kernel of its 5×5 worked example.</source>
        <translation>课程 5×5 例题中的 3×3 卷积核。</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Choose a preset…</source>
        <translation>选择预设…</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>one filter per colour channel (keeps colour)</source>
        <translation>每个颜色通道一个滤波器（保留颜色）</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>one filter over all channels (one output)</source>
        <translation>一个滤波器覆盖所有通道（一个输出）</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>the shown filter only</source>
        <translation>仅当前显示的滤波器</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Per channel: filter c looks only at channel c, so a blur stays in colour (C filters → C outputs).
All channels: one filter spans every channel with the grid divided by C (one grey output).
Shown filter: replace only the filter shown below, to build a bank of different filters.</source>
        <translation>逐通道：滤波器 c 只看通道 c，因此模糊后仍是彩色（C 个滤波器 → C 个输出）。
所有通道：一个滤波器覆盖所有通道，网格除以 C（一个灰度输出）。
当前滤波器：只替换下面显示的滤波器，用来组建由不同滤波器构成的滤波器组。</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Kernel size k × k (1 to 7); weights keep their place around the centre</source>
        <translation>卷积核大小 k × k（1 到 7）；权重保持相对中心的位置</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Add filter</source>
        <translation>添加滤波器</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Add a filter (one more output channel)</source>
        <translation>添加一个滤波器（多一个输出通道）</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Remove filter</source>
        <translation>删除滤波器</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Remove the shown filter</source>
        <translation>删除当前显示的滤波器</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Added to the weighted sum of this filter</source>
        <translation>加到这个滤波器的加权和上</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>for</source>
        <translation>应用于</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>Bias</source>
        <translation>偏置</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>{title} on {channel}</source>
        <translation>{title}（通道 {channel}）</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source> (This input has {n} channel(s), so its weights were combined.)</source>
        <translation>（此输入有 {n} 个通道，因此其权重已合并。）</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <location filename="../kernels/output_view.py"/>
        <source>Filter {n}</source>
        <translation>滤波器 {n}</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>channel {c}</source>
        <translation>通道 {c}</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>&lt;b&gt;{channel}&lt;/b&gt; weights</source>
        <translation>&lt;b&gt;{channel}&lt;/b&gt; 权重</translation>
    </message>
    <message>
        <location filename="../kernels/kernel_editor.py"/>
        <source>The {h}×{w} weights this filter applies to {channel}; type to edit</source>
        <translation>这个滤波器作用于 {channel} 的 {h}×{w} 权重；可直接输入修改</translation>
    </message>
    <message>
        <location filename="../kernels/layer_maths.py"/>
        <source>rows: {formula}</source>
        <translation>行：{formula}</translation>
    </message>
    <message>
        <location filename="../kernels/layer_maths.py"/>
        <source>columns: {formula}</source>
        <translation>列：{formula}</translation>
    </message>
    <message>
        <location filename="../kernels/layer_maths.py"/>
        <source>conv</source>
        <translation>卷积</translation>
    </message>
    <message>
        <location filename="../kernels/layer_maths.py"/>
        <source>max pooling:</source>
        <translation>最大池化：</translation>
    </message>
    <message>
        <location filename="../kernels/layer_maths.py"/>
        <source>average pooling:</source>
        <translation>平均池化：</translation>
    </message>
    <message>
        <location filename="../kernels/layer_maths.py"/>
        <source>pool</source>
        <translation>池化</translation>
    </message>
    <message>
        <location filename="../kernels/layer_maths.py"/>
        <source>&lt;b&gt;Output shape&lt;/b&gt; {shape}&lt;br&gt;out = ⌊(in + padding − dilation·(k − 1) − 1) / stride⌋ + 1&lt;br&gt;</source>
        <translation>&lt;b&gt;输出形状&lt;/b&gt; {shape}&lt;br&gt;out = ⌊(in + padding − dilation·(k − 1) − 1) / stride⌋ + 1&lt;br&gt;</translation>
    </message>
    <message>
        <location filename="../kernels/layer_maths.py"/>
        <source>max pooling took {value} from a {h}×{w} window. </source>
        <translation>最大池化从 {h}×{w} 窗口中取了 {value}。</translation>
    </message>
    <message>
        <location filename="../kernels/layer_maths.py"/>
        <source>average pooling: the mean of {n} outputs = {value}; the first of them: </source>
        <translation>平均池化：{n} 个输出的平均值 = {value}；其中第一个：</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>each channel&apos;s own min → black, max → white</source>
        <translation>每个通道各自的最小值 → 黑，最大值 → 白</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>values below 0 shown black, above 255 white</source>
        <translation>小于 0 显示为黑，大于 255 显示为白</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>Output values range from {low} to {high}; for viewing, {shown}.</source>
        <translation>输出值范围为 {low} 到 {high}；显示时，{shown}。</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>Stretch each channel min…max</source>
        <translation>按各通道的最小…最大值拉伸</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>Clip to 0…255</source>
        <translation>截断到 0…255</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>Three channels as colour</source>
        <translation>三个通道显示为彩色</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>With three filters (say, a blur per colour channel) show them as R, G, B</source>
        <translation>有三个滤波器时（比如每个颜色通道一个模糊），把它们显示为 R、G、B</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>&lt;b&gt;Output&lt;/b&gt; {h} × {w} × {f}</source>
        <translation>&lt;b&gt;输出&lt;/b&gt; {h} × {w} × {f}</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>Point at an output pixel to see the weighted sum that made it.</source>
        <translation>指向输出像素，查看生成它的加权和。</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>input pixel</source>
        <translation>输入像素</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>product</source>
        <translation>乘积</translation>
    </message>
    <message>
        <location filename="../kernels/output_view.py"/>
        <source>Output ({row}, {col}) of filter {n}: Σ {terms} products = {products}, + bias {bias} = {total}</source>
        <translation>滤波器 {n} 的输出 ({row}, {col})：Σ {terms} 个乘积 = {products}，+ 偏置 {bias} = {total}</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>the course&apos;s 5×5 example</source>
        <translation>课程的 5×5 例子</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <location filename="../results/feature_vis.py"/>
        <source>{layer} filter {n}</source>
        <translation>{layer} 滤波器 {n}</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>The {n} first-layer filters ({layer}) of {file}, learned from handwriting.</source>
        <translation>{file} 第一层的 {n} 个滤波器（{layer}），从手写中学到。</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>Loaded {n} filters of layer {layer} from {file}</source>
        <translation>已从 {file} 加载层 {layer} 的 {n} 个滤波器</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>Input: {name}</source>
        <translation>输入：{name}</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>There is no drawing yet: write a character on the Write panel first.</source>
        <translation>还没有书写：请先在“书写”面板上写一个字。</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>your drawing on the Write panel</source>
        <translation>你在“书写”面板上的书写</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>Open an image</source>
        <translation>打开图片</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>camera {index}</source>
        <translation>摄像头 {index}</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>Live input: {name}</source>
        <translation>实时输入：{name}</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>No camera found. Plug one in and choose Live camera again.</source>
        <translation>未找到摄像头。请接上摄像头，然后再次选择“实时摄像头”。</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>These settings have no output: {reason}</source>
        <translation>这些设置没有输出：{reason}</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>the convolution failed: {reason}</source>
        <translation>卷积计算失败：{reason}</translation>
    </message>
    <message>
        <location filename="../kernels/panel.py"/>
        <source>The camera stopped while the panel is hidden; choose Live camera to restart it.</source>
        <translation>面板隐藏时摄像头已停止；选择“实时摄像头”重新启动。</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>The input with the kernel&apos;s footprint highlighted; hatched cells are padding.</source>
        <translation>输入，卷积核覆盖的区域已高亮；带斜线的格子是填充。</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>Each input value under the footprint times its kernel weight.</source>
        <translation>卷积核覆盖区域内的每个输入值乘以对应的卷积核权重。</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <location filename="../kernels/view.py"/>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>Kernel</source>
        <translation>卷积核</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>Products</source>
        <translation>乘积</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>&lt;b&gt;{title}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{title}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>◀ Step back</source>
        <translation>◀ 后退一步</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>▶ Play</source>
        <translation>▶ 播放</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>Step ▶</source>
        <translation>前进一步 ▶</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source> steps/s</source>
        <translation> 步/秒</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>⏸ Pause</source>
        <translation>⏸ 暂停</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>Output {h}×{w} — rows: {rows}; columns: {cols}</source>
        <translation>输出 {h}×{w} — 行：{rows}；列：{cols}</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source>output ({row}, {col}) — step {n} of {total}</source>
        <translation>输出 ({row}, {col}) — 第 {n} 步，共 {total} 步</translation>
    </message>
    <message>
        <location filename="../kernels/stepper.py"/>
        <source> + bias {bias}</source>
        <translation> + 偏置 {bias}</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>uint8 holds 8 bits: 0…255 (0x00…0xFF). 255 + 1 = {top} in uint8 because 256 = 0x100 needs a 9th bit, which is dropped (sums wrap modulo 256). Here {value} + 1 = {plus_one}. That is why convolution works in float32.</source>
        <translation>uint8 只有 8 位：0…255（0x00…0xFF）。在 uint8 中 255 + 1 = {top}，因为 256 = 0x100 需要第 9 位，而这一位被丢掉了（求和按 256 取模回绕）。这里 {value} + 1 = {plus_one}。所以卷积要用 float32 计算。</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Show all channels as a colour picture, one channel, or every channel side by side</source>
        <translation>把所有通道显示为彩色图片、只显示一个通道，或把每个通道并排显示</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Tint</source>
        <translation>着色</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Show the red channel in red, green in green, blue in blue instead of grey</source>
        <translation>把红色通道显示为红色、绿色为绿色、蓝色为蓝色，而不是灰色</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Fit the whole image</source>
        <translation>显示整张图像</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Ctrl + mouse wheel zooms; zoom far in to read every pixel&apos;s value</source>
        <translation>Ctrl + 鼠标滚轮缩放；放大到足够大时可以读出每个像素的值</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Point at a pixel to read its value.</source>
        <translation>指向一个像素，读取它的值。</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>&lt;b&gt;Shape&lt;/b&gt; H × W × C = {h} × {w} × {c}  ({dtype})</source>
        <translation>&lt;b&gt;形状&lt;/b&gt; H × W × C = {h} × {w} × {c}  ({dtype})</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>All (colour)</source>
        <translation>全部（彩色）</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Channel {name}</source>
        <translation>通道 {name}</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>Side by side</source>
        <translation>并排显示</translation>
    </message>
    <message>
        <location filename="../kernels/tensor_view.py"/>
        <source>row {row}, column {col}: </source>
        <translation>第 {row} 行，第 {col} 列：</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Which camera to use (searching for cameras takes a moment)</source>
        <translation>使用哪个摄像头（查找摄像头需要一点时间）</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <location filename="../write/view.py"/>
        <source>Open image…</source>
        <translation>打开图片…</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Open an image file</source>
        <translation>打开图片文件</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Open video…</source>
        <translation>打开视频…</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Open a video file as a live input</source>
        <translation>打开视频文件作为实时输入</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Grey (1 channel)</source>
        <translation>灰度（1 个通道）</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Use the luminance only: H × W × 1, as the character CNN sees pictures</source>
        <translation>只用亮度：H × W × 1，与字符 CNN 看图片的方式相同</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Load the first-layer filters of the shipped character CNN</source>
        <translation>加载随附字符 CNN 第一层的滤波器</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Load the CNN&apos;s first-layer filters</source>
        <translation>加载 CNN 第一层的滤波器</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>What the kernels slide over</source>
        <translation>卷积核在什么上面滑动</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Photo: {name}</source>
        <translation>照片：{name}</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>The course&apos;s 5×5 example</source>
        <translation>课程的 5×5 例子</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Your drawing on the Write panel</source>
        <translation>你在“书写”面板上的书写</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Live camera</source>
        <translation>实时摄像头</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Step through</source>
        <translation>逐步演示</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>Beyond images</source>
        <translation>图像之外</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>&lt;b&gt;Kernels&lt;/b&gt; (one output channel per filter)</source>
        <translation>&lt;b&gt;卷积核&lt;/b&gt;（每个滤波器一个输出通道）</translation>
    </message>
    <message>
        <location filename="../kernels/view.py"/>
        <source>&lt;b&gt;Layer settings&lt;/b&gt;</source>
        <translation>&lt;b&gt;层设置&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <location filename="../results/view.py"/>
        <source>Evaluate a test set</source>
        <translation>评估测试集</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <location filename="../results/view.py"/>
        <source>Dataset explorer</source>
        <translation>数据集浏览</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <location filename="../results/view.py"/>
        <source>Architectures</source>
        <translation>网络架构</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <location filename="../results/view.py"/>
        <source>Experiments</source>
        <translation>实验</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <source>No character model named {missing}. The character models here are: {names}.</source>
        <translation>没有名为 {missing} 的字符模型。这里的字符模型有：{names}。</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <source>No photo model named {missing}. The photo models here are: {names}.</source>
        <translation>没有名为 {missing} 的照片模型。这里的照片模型有：{names}。</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <source>No model named {missing}. The models here are: {names}.</source>
        <translation>没有名为 {missing} 的模型。这里的模型有：{names}。</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <location filename="../lessons/dock.py"/>
        <source>This step could not set up the panel: {reason}</source>
        <translation>这一步无法设置面板：{reason}</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <source>There is no sample picture “{name}”. The samples are: {names}.</source>
        <translation>没有示例图片“{name}”。示例有：{names}。</translation>
    </message>
    <message>
        <location filename="../lessons/actions.py"/>
        <source>The Results panel has no “{title}” tab in this version of the app.</source>
        <translation>此版本应用的“结果”面板没有“{title}”标签页。</translation>
    </message>
    <message>
        <location filename="../lessons/dock.py"/>
        <source>Lessons (*.json)</source>
        <translation>课程 (*.json)</translation>
    </message>
    <message>
        <location filename="../lessons/dock.py"/>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
    <message>
        <location filename="../lessons/dock.py"/>
        <source>&amp;Presentation mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <location filename="../lessons/dock.py"/>
        <source>Open &amp;lesson file…</source>
        <translation>打开课程文件(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../lessons/dock.py"/>
        <source>Open a lesson file</source>
        <translation>打开课程文件</translation>
    </message>
    <message>
        <location filename="../lessons/dock.py"/>
        <source>This lesson file cannot be used: {reason}</source>
        <translation>无法使用这个课程文件：{reason}</translation>
    </message>
    <message>
        <location filename="../lessons/dock.py"/>
        <source>Opened the lesson {title}. Put the file in {folder} to have it every time.</source>
        <translation>已打开课程 {title}。把文件放到 {folder} 中，以后每次都能用到它。</translation>
    </message>
    <message>
        <location filename="../lessons/dock.py"/>
        <source>Lesson: {title}</source>
        <translation>课程：{title}</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <location filename="../results/experiments_view.py"/>
        <location filename="../teach/project_bar.py"/>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>Open a lesson file (.json)</source>
        <translation>打开课程文件 (.json)</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>Run again</source>
        <translation>再次运行</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>Put the panels into this step&apos;s state again</source>
        <translation>把各面板重新设置为这一步的状态</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>Present</source>
        <translation>演示</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>Full screen with large text (F5; Esc leaves)</source>
        <translation>全屏大字显示（F5；按 Esc 退出）</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>{n} lesson file(s) could not be read; the others work:</source>
        <translation>{n} 个课程文件无法读取；其余的可以正常使用：</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>No lesson is loaded. Open a lesson file, or put lesson files in your lessons folder.</source>
        <translation>没有加载课程。请打开课程文件，或把课程文件放进你的课程文件夹。</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>Step {n} of {total}</source>
        <translation>第 {n} 步，共 {total} 步</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>Next lesson ▶</source>
        <translation>下一课 ▶</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>The first step of the next lesson (Page Down)</source>
        <translation>下一课的第一步 (Page Down)</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>The next step (Page Down)</source>
        <translation>下一步 (Page Down)</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>◀ Previous lesson</source>
        <translation>◀ 上一课</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>◀ Previous</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>The last step of the previous lesson (Page Up)</source>
        <translation>上一课的最后一步 (Page Up)</translation>
    </message>
    <message>
        <location filename="../lessons/sidebar.py"/>
        <source>The previous step (Page Up)</source>
        <translation>上一步 (Page Up)</translation>
    </message>
    <message>
        <location filename="../main_window.py"/>
        <location filename="../results/report_pane.py"/>
        <location filename="../write/view.py"/>
        <source>Loading the models…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../main_window.py"/>
        <source>About {title}</source>
        <translation>关于 {title}</translation>
    </message>
    <message>
        <location filename="../main_window.py"/>
        <source>Zoom {factor:.0%}</source>
        <translation>缩放 {factor:.0%}</translation>
    </message>
    <message>
        <location filename="../main_window.py"/>
        <source>Interface language: English</source>
        <translation>界面语言：简体中文</translation>
    </message>
    <message>
        <location filename="../main_window.py"/>
        <source>{n} model(s) ready</source>
        <translation>{n} 个模型已就绪</translation>
    </message>
    <message>
        <location filename="../main_window.py"/>
        <source>{found}; skipped {n}: {names}</source>
        <translation>{found}；跳过 {n} 个：{names}</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Data set</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Year</source>
        <translation>年份</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <location filename="../results/confused_pairs.py"/>
        <location filename="../results/tables.py"/>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <location filename="../results/dataset_view.py"/>
        <location filename="../teach/steps_guide.py"/>
        <location filename="../teach/view.py"/>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <location filename="../results/tables.py"/>
        <source>Validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <location filename="../results/dataset_view.py"/>
        <location filename="../results/tables.py"/>
        <source>Test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Classes</source>
        <translation>类别数</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Image size</source>
        <translation>图像尺寸</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>The architecture gallery is read when this tab is first shown.</source>
        <translation>首次显示此标签页时读取架构库。</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>ILSVRC top-5 error</source>
        <translation>ILSVRC top-5 错误率</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>ImageNet challenge winners and entries: lower is better.</source>
        <translation>ImageNet 挑战赛的冠军和参赛模型：越低越好。</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Data sets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Choose an architecture:</source>
        <translation>选择网络架构：</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Layers (computed from the Keras model)</source>
        <translation>各层（由 Keras 模型计算）</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Architecture diagram</source>
        <translation>架构图</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <location filename="../results/experiments_view.py"/>
        <source>Reading {path}…</source>
        <translation>正在读取 {path}…</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>The architecture gallery cannot be shown: {message}</source>
        <translation>无法显示架构库：{message}</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Build it with: python -m training classics</source>
        <translation>用以下命令构建：python -m training classics</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Parameters: {count} ({size} as float32)</source>
        <translation>参数：{count}（按 float32 计 {size}）</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Trainable parameters: {count}</source>
        <translation>可训练参数：{count}</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>Input: {shape}</source>
        <translation>输入：{shape}</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>ILSVRC top-5 error: {error} %</source>
        <translation>ILSVRC top-5 错误率：{error} %</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>ILSVRC top-5 error: not an ILSVRC entry</source>
        <translation>ILSVRC top-5 错误率：不是 ILSVRC 参赛模型</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>A version for 80×60 characters trains as: python -m training train --model {name}</source>
        <translation>适用于 80×60 字符的版本可以这样训练：python -m training train --model {name}</translation>
    </message>
    <message>
        <location filename="../results/architectures_view.py"/>
        <source>top-5 error (%)</source>
        <translation>top-5 错误率 (%)</translation>
    </message>
    <message>
        <location filename="../results/bars.py"/>
        <source>When correct</source>
        <translation>预测正确时</translation>
    </message>
    <message>
        <location filename="../results/bars.py"/>
        <location filename="../results/reliability.py"/>
        <source>confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../results/bars.py"/>
        <location filename="../results/dataset_view.py"/>
        <source>images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <location filename="../results/bars.py"/>
        <source>When wrong</source>
        <translation>预测错误时</translation>
    </message>
    <message>
        <location filename="../results/bars.py"/>
        <source>When correct ({n:,} images)</source>
        <translation>预测正确时（{n:,} 张图像）</translation>
    </message>
    <message>
        <location filename="../results/bars.py"/>
        <source>When wrong ({n:,} images)</source>
        <translation>预测错误时（{n:,} 张图像）</translation>
    </message>
    <message>
        <location filename="../results/bars.py"/>
        <location filename="../results/compare_page.py"/>
        <location filename="../results/reliability.py"/>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Epochs (best)</source>
        <translation>轮数（最佳）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Train time (s)</source>
        <translation>训练时间（秒）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Val accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Test accuracy</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Test top-5</source>
        <translation>测试 top-5</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Inference (ms/image)</source>
        <translation>推理（毫秒/张）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Logistic regression (course)</source>
        <translation>逻辑回归（课程）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>CNN (course)</source>
        <translation>CNN（课程）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>LeNet-5 (1998)</source>
        <translation>LeNet-5（1998）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>AlexNet (2012, scaled down)</source>
        <translation>AlexNet（2012，缩小版）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Inception (GoogLeNet-style, 2014)</source>
        <translation>Inception（GoogLeNet 式，2014）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>ResNet (2015, small)</source>
        <translation>ResNet（2015，小型）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Model comparison: {n} models</source>
        <translation>模型比较：{n} 个模型</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Accuracy against size</source>
        <translation>准确率与模型大小</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Each point is a model; the x axis (parameters) is logarithmic.</source>
        <translation>每个点是一个模型；x 轴（参数量）为对数刻度。</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>Training and inference time</source>
        <translation>训练与推理时间</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <location filename="../results/curves.py"/>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>parameters (log scale)</source>
        <translation>参数量（对数刻度）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>training time (s)</source>
        <translation>训练时间（秒）</translation>
    </message>
    <message>
        <location filename="../results/compare_page.py"/>
        <source>inference (ms per image)</source>
        <translation>推理（毫秒/张）</translation>
    </message>
    <message>
        <location filename="../results/confused_pairs.py"/>
        <source>True</source>
        <translation>真实</translation>
    </message>
    <message>
        <location filename="../results/confused_pairs.py"/>
        <source>Read as</source>
        <translation>被认作</translation>
    </message>
    <message>
        <location filename="../results/confused_pairs.py"/>
        <source>Share of its images</source>
        <translation>占其图像的比例</translation>
    </message>
    <message>
        <location filename="../results/confused_pairs.py"/>
        <source>Character</source>
        <translation>汉字</translation>
    </message>
    <message>
        <location filename="../results/confused_pairs.py"/>
        <location filename="../results/curves.py"/>
        <location filename="../results/tables.py"/>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location filename="../results/confused_pairs.py"/>
        <source>Most often read as</source>
        <translation>最常被认作</translation>
    </message>
    <message>
        <location filename="../results/confused_pairs.py"/>
        <source>Times</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../results/confused_pairs.py"/>
        <source>Find a character…</source>
        <translation>查找汉字…</translation>
    </message>
    <message>
        <location filename="../results/confused_pairs.py"/>
        <source>Every class ({n:,}): click a column title to sort, a row for its most common mistake.</source>
        <translation>全部类别（{n:,} 个）：点击列标题排序，点击一行查看它最常见的错误。</translation>
    </message>
    <message>
        <location filename="../results/confusion.py"/>
        <source>predicted</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <location filename="../results/confusion.py"/>
        <source>true</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <location filename="../results/curves.py"/>
        <location filename="../results/tables.py"/>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../results/curves.py"/>
        <source>Top-5 accuracy</source>
        <translation>Top-5 准确率</translation>
    </message>
    <message>
        <location filename="../results/curves.py"/>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../results/curves.py"/>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <location filename="../results/curves.py"/>
        <source>best epoch {n}</source>
        <translation>最佳轮次 {n}</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>All images</source>
        <translation>全部图像</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>{n:,} images of {classes} characters ({splits}) in {path}.</source>
        <translation>{path} 中共 {n:,} 张图像，{classes} 个字符（{splits}）。</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Heights {h_min}–{h_max} px (median {h_median:g}), widths {w_min}–{w_max} px (median {w_median:g}).</source>
        <translation>高度 {h_min}–{h_max} 像素（中位数 {h_median:g}），宽度 {w_min}–{w_max} 像素（中位数 {w_median:g}）。</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>{n:,} corrupt files or records were skipped (listed below).</source>
        <translation>跳过了 {n:,} 个损坏的文件或记录（列在下方）。</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Choose a CASIA-style folder or a .gnt file, or drop one here.</source>
        <translation>选择 CASIA 格式的文件夹或 .gnt 文件，或把它拖放到这里。</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Corrupt files</source>
        <translation>损坏的文件</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>A Train/Test/&lt;character&gt;/ folder, a &lt;character&gt;/ folder, or .gnt files</source>
        <translation>Train/Test/&lt;字符&gt;/ 文件夹、&lt;字符&gt;/ 文件夹，或 .gnt 文件</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <location filename="../results/evaluate_view.py"/>
        <source>Choose folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Choose .gnt file…</source>
        <translation>选择 .gnt 文件…</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Samples of</source>
        <translation>示例字符</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Samples per class</source>
        <translation>每个类别的样本</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Choose a data set folder</source>
        <translation>选择数据集文件夹</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Choose a CASIA .gnt file</source>
        <translation>选择 CASIA .gnt 文件</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>CASIA offline files (*.gnt);;All files (*)</source>
        <translation>CASIA 脱机文件 (*.gnt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Scanning {path}…</source>
        <translation>正在扫描 {path}…</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Could not scan: {reason}</source>
        <translation>无法扫描：{reason}</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Scan cancelled.</source>
        <translation>扫描已取消。</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <location filename="../results/evaluate_view.py"/>
        <source>… and {n:,} more</source>
        <translation>… 另外还有 {n:,} 个</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Corrupt files ({n:,})</source>
        <translation>损坏的文件（{n:,}）</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Images per class: {split}</source>
        <translation>每个类别的图像数：{split}</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>character</source>
        <translation>字符</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <location filename="../results/report_view.py"/>
        <source>{n:,} images</source>
        <translation>{n:,} 张图像</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Image heights</source>
        <translation>图像高度</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>Image widths</source>
        <translation>图像宽度</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>pixels</source>
        <translation>像素</translation>
    </message>
    <message>
        <location filename="../results/dataset_view.py"/>
        <source>{w}×{h} px (thumbnail)</source>
        <translation>{w}×{h} 像素（缩略图）</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>{title}: accuracy {accuracy:.1%}, top-5 {top5:.1%}, loss {loss:.3f} on {n} images of {classes} characters in {folder}.</source>
        <translation>{title}：在 {folder} 中 {classes} 个字符的 {n} 张图像上，准确率 {accuracy:.1%}，top-5 {top5:.1%}，损失 {loss:.3f}。</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>{name} ({n} files)</source>
        <translation>{name}（{n} 个文件）</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>Ignored {n} folders that are not characters of this model: {listing}.</source>
        <translation>忽略了 {n} 个不属于此模型字符的文件夹：{listing}。</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>Could not read {n} files (listed below); they were left out.</source>
        <translation>无法读取 {n} 个文件（列在下方）；它们未被计入。</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>A folder of &lt;character&gt;/&lt;image&gt; files, e.g. the course&apos;s mandarin set</source>
        <translation>一个由 &lt;字符&gt;/&lt;图像&gt; 文件组成的文件夹，例如课程的 mandarin 数据集</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>%v of %m images</source>
        <translation>%v / %m 张图像</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>Choose a model and a folder of &lt;character&gt;/&lt;image&gt; files, or drop a folder here.</source>
        <translation>选择一个模型和一个由 &lt;字符&gt;/&lt;图像&gt; 文件组成的文件夹，或把文件夹拖放到这里。</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>The accuracy, mistakes and confusion matrix appear here after Run.</source>
        <translation>按“运行”后，准确率、错误和混淆矩阵会显示在这里。</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <location filename="../results/report_pane.py"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>Choose a folder of &lt;character&gt;/&lt;image&gt; files</source>
        <translation>选择由 &lt;字符&gt;/&lt;图像&gt; 文件组成的文件夹</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>Evaluating {name} on {folder}…</source>
        <translation>正在用 {folder} 评估 {name}…</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>Could not evaluate: {reason}</source>
        <translation>无法评估：{reason}</translation>
    </message>
    <message>
        <location filename="../results/evaluate_view.py"/>
        <source>Evaluation cancelled.</source>
        <translation>评估已取消。</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>model comparison</source>
        <translation>模型比较</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>hyperparameter search</source>
        <translation>超参数搜索</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Data: {data}</source>
        <translation>数据：{data}</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Settings: {settings}</source>
        <translation>设置：{settings}</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Written: {made}</source>
        <translation>生成于：{made}</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Experiments are listed when this tab is first shown.</source>
        <translation>首次显示此标签页时列出实验。</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Shipped experiments and the files you opened</source>
        <translation>随附的实验和你打开的文件</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Open a compare.json or tuning.json written by python -m training</source>
        <translation>打开由 python -m training 生成的 compare.json 或 tuning.json</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Read the file again (a running search rewrites it after every trial)</source>
        <translation>重新读取文件（正在进行的搜索会在每次试验后重写它）</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Experiment:</source>
        <translation>实验：</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Open an experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Experiments (compare.json tuning.json *.json);;All files (*)</source>
        <translation>实验 (compare.json tuning.json *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>The shipped experiments cannot be listed: {message}</source>
        <translation>无法列出随附的实验：{message}</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Could not open the experiment: {message}</source>
        <translation>无法打开实验：{message}</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>Still showing {path}.</source>
        <translation>仍在显示 {path}。</translation>
    </message>
    <message>
        <location filename="../results/experiments_view.py"/>
        <source>No shipped experiments in {root}. Open a compare.json or tuning.json of your own (python -m training compare … or python -m training tune … write them).</source>
        <translation>{root} 中没有随附的实验。请打开你自己的 compare.json 或 tuning.json（由 python -m training compare … 或 python -m training tune … 生成）。</translation>
    </message>
    <message>
        <location filename="../results/feature_vis.py"/>
        <source>&lt;b&gt;{layer}&lt;/b&gt;: the input that most excites each filter</source>
        <translation>&lt;b&gt;{layer}&lt;/b&gt;：最能激活每个滤波器的输入</translation>
    </message>
    <message>
        <location filename="../results/feature_vis.py"/>
        <source>&lt;b&gt;Classes&lt;/b&gt;: the input that the model finds most like each character</source>
        <translation>&lt;b&gt;类别&lt;/b&gt;：模型认为最像每个字符的输入</translation>
    </message>
    <message>
        <location filename="../results/feature_vis.py"/>
        <source>&lt;b&gt;{layer}&lt;/b&gt; filters ({h}×{w}; red positive, blue negative)</source>
        <translation>&lt;b&gt;{layer}&lt;/b&gt; 滤波器（{h}×{w}；红色为正，蓝色为负）</translation>
    </message>
    <message>
        <location filename="../results/feature_vis.py"/>
        <source>filter {n}, bias {bias:+.3f}</source>
        <translation>滤波器 {n}，偏置 {bias:+.3f}</translation>
    </message>
    <message>
        <location filename="../results/layer_diagram.py"/>
        <source>   {n:,} params</source>
        <translation>   {n:,} 个参数</translation>
    </message>
    <message>
        <location filename="../results/panel.py"/>
        <source>test-set evaluation</source>
        <translation>测试集评估</translation>
    </message>
    <message>
        <location filename="../results/panel.py"/>
        <source>dataset explorer</source>
        <translation>数据集浏览</translation>
    </message>
    <message>
        <location filename="../results/panel.py"/>
        <source>Export the charts into</source>
        <translation>把图表导出到</translation>
    </message>
    <message>
        <location filename="../results/panel.py"/>
        <source>Saved {n} chart(s) in {folder}</source>
        <translation>已在 {folder} 中保存 {n} 个图表</translation>
    </message>
    <message>
        <location filename="../results/plot_card.py"/>
        <source>Save PNG…</source>
        <translation>保存 PNG…</translation>
    </message>
    <message>
        <location filename="../results/plot_card.py"/>
        <source>Save this chart ({title}) as a PNG image</source>
        <translation>把这个图表（{title}）保存为 PNG 图像</translation>
    </message>
    <message>
        <location filename="../results/plot_card.py"/>
        <source>{path}: the image could not be written</source>
        <translation>{path}：无法写入图像</translation>
    </message>
    <message>
        <location filename="../results/plot_card.py"/>
        <source>Save {title}</source>
        <translation>保存{title}</translation>
    </message>
    <message>
        <location filename="../results/plot_card.py"/>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../results/reliability.py"/>
        <source>held-out writers</source>
        <translation>未参与训练的书写者</translation>
    </message>
    <message>
        <location filename="../results/reliability.py"/>
        <source>calibration writers</source>
        <translation>校准用书写者</translation>
    </message>
    <message>
        <location filename="../results/reliability.py"/>
        <source>Temperature T = {t:.2f}: the app divides the scores by T before the softmax.</source>
        <translation>温度 T = {t:.2f}：应用在 softmax 之前把得分除以 T。</translation>
    </message>
    <message>
        <location filename="../results/reliability.py"/>
        <source>T was raised from {fit:.2f}, the best fit, until the calibration writers&apos; wrong answers were shown at {limit:.0%} or less on average: a bar may stand a little above the diagonal, the model saying less than it knows.</source>
        <translation>T 从最佳拟合值 {fit:.2f} 调高，直到校准书写者的错误答案平均显示的置信度不超过 {limit:.0%}：柱子可能略高于对角线，即模型说得比它知道的少一点。</translation>
    </message>
    <message>
        <location filename="../results/reliability.py"/>
        <source>{set} ({n:,} images): calibration error {ece_before} → {ece_after}, mean confidence when wrong {wrong_before} → {wrong_after}, top-1 {accuracy}</source>
        <translation>{set}（{n:,} 张图像）：校准误差 {ece_before} → {ece_after}，答错时的平均置信度 {wrong_before} → {wrong_after}，top-1 {accuracy}</translation>
    </message>
    <message>
        <location filename="../results/reliability.py"/>
        <source>Before calibration</source>
        <translation>校准前</translation>
    </message>
    <message>
        <location filename="../results/reliability.py"/>
        <source>After calibration</source>
        <translation>校准后</translation>
    </message>
    <message>
        <location filename="../results/report_loader.py"/>
        <source>{name} has no report: {path} does not exist. The training package writes it beside the model on export (python -m training export).</source>
        <translation>{name} 没有报告：{path} 不存在。训练包在导出时会把它写在模型旁边（python -m training export）。</translation>
    </message>
    <message>
        <location filename="../results/report_loader.py"/>
        <source>{path}: cannot be shown ({reason})</source>
        <translation>{path}：无法显示（{reason}）</translation>
    </message>
    <message>
        <location filename="../results/report_pane.py"/>
        <source>No model found. Build the shipped ones with: python -m training build-assets</source>
        <translation>未找到模型。请用以下命令构建随附模型：python -m training build-assets</translation>
    </message>
    <message>
        <location filename="../results/report_pane.py"/>
        <source>Which model&apos;s report to show</source>
        <translation>显示哪个模型的报告</translation>
    </message>
    <message>
        <location filename="../results/report_pane.py"/>
        <source>Reading the report of {name}…</source>
        <translation>正在读取 {name} 的报告…</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Most confident first</source>
        <translation>置信度最高的在前</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Least confident first</source>
        <translation>置信度最低的在前</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>No report to show.</source>
        <translation>没有可显示的报告。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>{predicted} not {true} ({confidence:.0%})</source>
        <translation>预测 {predicted}，实为 {true}（{confidence:.0%}）</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Training curves</source>
        <translation>训练曲线</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Training (blue) and validation (orange); the dashed line is the epoch kept by early stopping.</source>
        <translation>训练（蓝色）和验证（橙色）；虚线是早停保留的轮次。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Model summary</source>
        <translation>模型概要</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Layer diagram</source>
        <translation>层结构图</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Scroll to zoom, drag to pan; click a cell to see its images.</source>
        <translation>滚动缩放，拖动平移；点击单元格查看其中的图像。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Click a cell to see its images.</source>
        <translation>点击单元格查看其中的图像。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Which characters this model reads as which, most often first; click a pair to see its images.</source>
        <translation>这个模型把哪些字认成了哪些字，最常见的在前；点击一对查看其图像。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Click a pair to see its images.</source>
        <translation>点击一对查看其图像。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Most confused pairs</source>
        <translation>最易混淆的字对</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Failed predictions</source>
        <translation>预测失败的样本</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Sort:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>The top probability when the prediction was right, and when it was wrong.</source>
        <translation>预测正确时和预测错误时的最高概率。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Accuracy per class (sorted)</source>
        <translation>每个类别的准确率（已排序）</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Per-class accuracy</source>
        <translation>各类别准确率</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>The {n} least legible characters</source>
        <translation>最难辨认的 {n} 个字符</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Least legible characters</source>
        <translation>最难辨认的字符</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>What the layers learn</source>
        <translation>各层学到了什么</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Calibration</source>
        <translation>置信度校准</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>&lt;p&gt;Trained on {data}&lt;/p&gt;</source>
        <translation>&lt;p&gt;训练数据：{data}&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>Each bar: how often the answers given with that confidence were right, on {set}. On the dashed diagonal a percentage means what it says; below it the model was too sure.</source>
        <translation>每根柱子：在{set}上，以该置信度给出的答案有多少是对的。在虚线对角线上，百分比与实际相符；低于对角线说明模型过于自信。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>{n:,} image</source>
        <translation>{n:,} 张图像</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source> (the report keeps no images of this cell)</source>
        <translation>（报告中没有保存这个单元格的图像）</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source> (showing {n})</source>
        <translation>（显示 {n} 张）</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>The {shown} most confident of {total:,} mistakes.</source>
        <translation>{total:,} 个错误中置信度最高的 {shown} 个。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>{n:,} mistake.</source>
        <translation>{n:,} 个错误。</translation>
    </message>
    <message>
        <location filename="../results/report_view.py"/>
        <source>{n:,} mistakes.</source>
        <translation>{n:,} 个错误。</translation>
    </message>
    <message>
        <location filename="../results/tables.py"/>
        <source>Training</source>
        <translation>训练集</translation>
    </message>
    <message>
        <location filename="../results/tables.py"/>
        <source>Split</source>
        <translation>数据划分</translation>
    </message>
    <message>
        <location filename="../results/tables.py"/>
        <source>Top-5</source>
        <translation>Top-5</translation>
    </message>
    <message>
        <location filename="../results/tables.py"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../results/tables.py"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../results/tables.py"/>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <location filename="../results/tables.py"/>
        <source>Params</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../results/tables.py"/>
        <source>Total params: {n:,} ({size} as float32)</source>
        <translation>总参数量：{n:,}（按 float32 计 {size}）</translation>
    </message>
    <message>
        <location filename="../results/tables.py"/>
        <source> · model file: {size}</source>
        <translation> · 模型文件：{size}</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>{tuner} search, objective {objective} ({direction}): {done} of {total} trials finished</source>
        <translation>{tuner} 搜索，目标 {objective}（{direction}）：{total} 次试验中已完成 {done} 次</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>No trial has finished yet.</source>
        <translation>还没有完成的试验。</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>Best trial {id}</source>
        <translation>最佳试验 {id}</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>Best trial so far: {id} (the search has not finished)</source>
        <translation>目前最佳试验：{id}（搜索尚未结束）</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>test accuracy {value}</source>
        <translation>测试准确率 {value}</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>test top-5 {value}</source>
        <translation>测试 top-5 {value}</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>Score per trial</source>
        <translation>每次试验的得分</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>Blue: each finished trial; orange: the best so far; star: the best trial; red lines: failed trials.</source>
        <translation>蓝色：每次完成的试验；橙色：目前最佳；星号：最佳试验；红线：失败的试验。</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>Search space: {space}</source>
        <translation>搜索空间：{space}</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>Trial</source>
        <translation>试验</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>Seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <location filename="../teach/view.py"/>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>The best trial</source>
        <translation>最佳试验</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>trial</source>
        <translation>试验</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../results/tuning_page.py"/>
        <source>best so far</source>
        <translation>目前最佳</translation>
    </message>
    <message>
        <location filename="../results/view.py"/>
        <source>The {what} is not available in this installation ({reason}).</source>
        <translation>此安装中没有{what}（{reason}）。</translation>
    </message>
    <message>
        <location filename="../results/view.py"/>
        <source>Compare two models</source>
        <translation>比较两个模型</translation>
    </message>
    <message>
        <location filename="../results/view.py"/>
        <source>Side by side when the window is wide enough, one above the other when it is not</source>
        <translation>窗口够宽时左右并排，不够宽时上下排列</translation>
    </message>
    <message>
        <location filename="../results/view.py"/>
        <source>Export all charts…</source>
        <translation>导出所有图表…</translation>
    </message>
    <message>
        <location filename="../results/view.py"/>
        <source>Save every chart shown as a PNG file into a folder</source>
        <translation>把显示的每个图表保存为 PNG 文件，放进一个文件夹</translation>
    </message>
    <message>
        <location filename="../skipped_models_banner.py"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../skipped_models_banner.py"/>
        <source>{n} model file(s) skipped; everything else works:</source>
        <translation>跳过了 {n} 个模型文件；其余功能都正常：</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>Cannot open the image {path}: the file does not exist.</source>
        <translation>无法打开图片 {path}：文件不存在。</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>Cannot open the image {path}: {reason}.</source>
        <translation>无法打开图片 {path}：{reason}。</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>the file is damaged or not an image format this app can read (JPEG, PNG, BMP, TIFF, WebP)</source>
        <translation>文件已损坏，或不是本应用能读取的图片格式（JPEG、PNG、BMP、TIFF、WebP）</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>Cannot read the image {path}: {reason}.</source>
        <translation>无法读取图片 {path}：{reason}。</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>the picture source</source>
        <translation>画面来源</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>{source} failed: {reason}</source>
        <translation>{source}出错：{reason}</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>{source} stopped sending pictures. Is it unplugged, or in use by another program?</source>
        <translation>{source}停止发送画面。是否已拔出，或正被其他程序占用？</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>the camera {index}</source>
        <translation>摄像头 {index}</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>No camera found at index {index}. Check that it is plugged in and not in use by another program, or choose another camera.</source>
        <translation>索引 {index} 处没有摄像头。请检查它是否已接好且未被其他程序占用，或选择其他摄像头。</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>the video {path}</source>
        <translation>视频 {path}</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>Cannot open the video {path}: the file does not exist.</source>
        <translation>无法打开视频 {path}：文件不存在。</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>Cannot open the video {path}: the file is damaged or not a video format this app can read.</source>
        <translation>无法打开视频 {path}：文件已损坏，或不是本应用能读取的视频格式。</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>The video {path} contains no picture this app can decode.</source>
        <translation>视频 {path} 中没有本应用能解码的画面。</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>The video {path} ended after {n} of {total} frames: the file is damaged or incomplete.</source>
        <translation>视频 {path} 在 {total} 帧中的第 {n} 帧后结束：文件已损坏或不完整。</translation>
    </message>
    <message>
        <location filename="../sources.py"/>
        <source>the image {path}</source>
        <translation>图片 {path}</translation>
    </message>
    <message>
        <location filename="../style.py"/>
        <source>&amp;System</source>
        <translation>系统(&amp;S)</translation>
    </message>
    <message>
        <location filename="../style.py"/>
        <source>High contrast (&amp;light)</source>
        <translation>高对比度（浅色）(&amp;L)</translation>
    </message>
    <message>
        <location filename="../style.py"/>
        <source>High contrast (&amp;dark)</source>
        <translation>高对比度（深色）(&amp;D)</translation>
    </message>
    <message>
        <location filename="../teach/class_list.py"/>
        <source>Class name</source>
        <translation>类别名称</translation>
    </message>
    <message>
        <location filename="../teach/class_list.py"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../teach/class_list.py"/>
        <source>Add a class with the name typed above</source>
        <translation>用上面输入的名称添加一个类别</translation>
    </message>
    <message>
        <location filename="../teach/class_list.py"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../teach/class_list.py"/>
        <source>Give the selected class the name typed above</source>
        <translation>把所选类别改为上面输入的名称</translation>
    </message>
    <message>
        <location filename="../teach/class_list.py"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../teach/class_list.py"/>
        <source>Delete the selected class and its samples</source>
        <translation>删除所选类别及其样本</translation>
    </message>
    <message>
        <location filename="../teach/class_list.py"/>
        <source>Move the selected class up</source>
        <translation>把所选类别上移</translation>
    </message>
    <message>
        <location filename="../teach/class_list.py"/>
        <source>Move the selected class down</source>
        <translation>把所选类别下移</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>New project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Project name:</source>
        <translation>项目名称：</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Open a Teach project</source>
        <translation>打开教学项目</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Teach projects (project.json *.zip)</source>
        <translation>教学项目 (project.json *.zip)</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Save the project in an empty folder</source>
        <translation>把项目保存到一个空文件夹</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Save the project archive</source>
        <translation>保存项目归档</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Project archive (*.zip)</source>
        <translation>项目归档 (*.zip)</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Export the samples into a folder</source>
        <translation>把样本导出到文件夹</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Add images</source>
        <translation>添加图片</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Add a folder of images</source>
        <translation>添加图片文件夹</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>Preview a photo</source>
        <translation>预览照片</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <location filename="../teach/project_bar.py"/>
        <source>Export ONNX</source>
        <translation>导出 ONNX</translation>
    </message>
    <message>
        <location filename="../teach/dialogs.py"/>
        <source>ONNX model (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <location filename="../teach/jobs.py"/>
        <source>Embedding {n} samples…</source>
        <translation>正在嵌入 {n} 个样本…</translation>
    </message>
    <message>
        <location filename="../teach/jobs.py"/>
        <source>Embedding {n} augmented copies of each sample…</source>
        <translation>正在为每个样本嵌入 {n} 个增强副本…</translation>
    </message>
    <message>
        <location filename="../teach/jobs.py"/>
        <source>Training the classifier for {n} epochs…</source>
        <translation>正在训练分类器 {n} 轮…</translation>
    </message>
    <message>
        <location filename="../teach/jobs.py"/>
        <source>Added {n} sample(s) to {name!r}.</source>
        <translation>已向 {name!r} 添加 {n} 个样本。</translation>
    </message>
    <message>
        <location filename="../teach/jobs.py"/>
        <source> and {n} more</source>
        <translation>，另外还有 {n} 个</translation>
    </message>
    <message>
        <location filename="../teach/jobs.py"/>
        <source> Skipped {n} file(s) that are not readable images ({shown}{more}).</source>
        <translation>跳过了 {n} 个无法读取为图片的文件（{shown}{more}）。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>My project</source>
        <translation>我的项目</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>{reason}. Started a new project in {folder} instead; the damaged one was not changed.</source>
        <translation>{reason}。已改在 {folder} 中新建项目；损坏的项目未被修改。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Could not save the project: {reason}</source>
        <translation>无法保存项目：{reason}</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Could not create the project: {reason}</source>
        <translation>无法创建项目：{reason}</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>New project in {folder}.</source>
        <translation>已在 {folder} 中新建项目。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Could not open the project: {reason}</source>
        <translation>无法打开项目：{reason}</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Opened {name} ({folder}).</source>
        <translation>已打开 {name}（{folder}）。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Saved the project in {folder}.</source>
        <translation>项目已保存到 {folder}。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Could not write the archive {path}: {reason}</source>
        <translation>无法写入归档 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Saved the project archive {path}.</source>
        <translation>项目归档已保存：{path}。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Exporting the samples to {folder}…</source>
        <translation>正在把样本导出到 {folder}…</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Exported the samples as class folders in {folder}.</source>
        <translation>已把样本按类别文件夹导出到 {folder}。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Wait for the running job to finish, or cancel it.</source>
        <translation>请等待正在运行的任务完成，或者取消它。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Cannot add the class: {reason}.</source>
        <translation>无法添加类别：{reason}。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Added the class {name!r}.</source>
        <translation>已添加类别 {name!r}。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Cannot rename the class: {reason}.</source>
        <translation>无法重命名类别：{reason}。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Cannot delete the class: {reason}.</source>
        <translation>无法删除类别：{reason}。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Deleted the class {name!r} and its {n} sample(s).</source>
        <translation>已删除类别 {name!r} 及其 {n} 个样本。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Add a class first, then its samples.</source>
        <translation>请先添加类别，再添加它的样本。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Adding images to {name!r}…</source>
        <translation>正在向 {name!r} 添加图片…</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Could not add the sample: {reason}</source>
        <translation>无法添加样本：{reason}</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Draw something on the Write panel&apos;s canvas first.</source>
        <translation>请先在“书写”面板的画布上画点什么。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Deleted {n} sample(s) from {name!r}.</source>
        <translation>已从 {name!r} 删除 {n} 个样本。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Recording into {name!r}…</source>
        <translation>正在录制到 {name!r}…</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Recorded {n} sample(s) into {name!r}.</source>
        <translation>已向 {name!r} 录制 {n} 个样本。</translation>
    </message>
    <message>
        <location filename="../teach/panel.py"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../teach/preview.py"/>
        <source>Drop a photo here, or start the camera</source>
        <translation>把照片拖放到这里，或启动摄像头</translation>
    </message>
    <message>
        <location filename="../teach/preview.py"/>
        <location filename="../teach/taught_model.py"/>
        <source>Train the model to see its predictions here.</source>
        <translation>训练模型后，这里会显示它的预测。</translation>
    </message>
    <message>
        <location filename="../teach/preview.py"/>
        <source>{name} ({value:.0%})</source>
        <translation>{name}（{value:.0%}）</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>Start a new, empty project</source>
        <translation>新建一个空项目</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>Open a project folder (its project.json) or a project archive (.zip)</source>
        <translation>打开项目文件夹（其中的 project.json）或项目归档（.zip）</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>Copy the project into another folder and keep working there</source>
        <translation>把项目复制到另一个文件夹，并在那里继续工作</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>Save archive…</source>
        <translation>保存归档…</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>Images, labels and settings in one .zip file</source>
        <translation>把图像、标签和设置保存在一个 .zip 文件中</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>Export dataset…</source>
        <translation>导出数据集…</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>Copy the samples into one folder per class</source>
        <translation>把样本复制到每个类别一个文件夹中</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>New, open, save or archive the project; export its samples</source>
        <translation>新建、打开、保存或归档项目；导出它的样本</translation>
    </message>
    <message>
        <location filename="../teach/project_bar.py"/>
        <source>One ONNX file (feature extractor + your classes) for the Camera panel</source>
        <translation>一个 ONNX 文件（特征提取器 + 你的类别），供“摄像头”面板使用</translation>
    </message>
    <message>
        <location filename="../teach/result_view.py"/>
        <source>Done: held-out accuracy {value:.0%}</source>
        <translation>完成：留出集准确率 {value:.0%}</translation>
    </message>
    <message>
        <location filename="../teach/result_view.py"/>
        <source>Done: training accuracy {value:.0%} (no samples held out to check it)</source>
        <translation>完成：训练准确率 {value:.0%}（没有留出样本来检验）</translation>
    </message>
    <message>
        <location filename="../teach/result_view.py"/>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../teach/result_view.py"/>
        <source>Per class (held-out): {values}</source>
        <translation>各类别（留出集）：{values}</translation>
    </message>
    <message>
        <location filename="../teach/sample_grid.py"/>
        <source>Sample {n}: {name}</source>
        <translation>样本 {n}：{name}</translation>
    </message>
    <message>
        <location filename="../teach/steps_guide.py"/>
        <source>Add classes</source>
        <translation>添加类别</translation>
    </message>
    <message>
        <location filename="../teach/steps_guide.py"/>
        <source>Add samples</source>
        <translation>添加样本</translation>
    </message>
    <message>
        <location filename="../teach/steps_guide.py"/>
        <source>Type a class name under the list and press Add: at least {n} classes, such as &quot;cup&quot; and &quot;pen&quot;.</source>
        <translation>在列表下方输入类别名称并按“添加”：至少 {n} 个类别，比如“杯子”和“笔”。</translation>
    </message>
    <message>
        <location filename="../teach/steps_guide.py"/>
        <source>Select a class and add its pictures (Images…, Folder…, From Write or Hold to record): {name!r} needs at least {n}; a few dozen work better.</source>
        <translation>选中一个类别并添加它的图片（图片…、文件夹…、来自书写或按住录制）：{name!r} 至少需要 {n} 张，几十张效果更好。</translation>
    </message>
    <message>
        <location filename="../teach/steps_guide.py"/>
        <source>Press Train: the model learns your classes in a few seconds.</source>
        <translation>按“训练”：模型几秒钟就能学会你的类别。</translation>
    </message>
    <message>
        <location filename="../teach/steps_guide.py"/>
        <source>Trained. Try it in the preview, or export it for the Camera panel.</source>
        <translation>已训练。在预览里试一试，或者导出给“摄像头”面板使用。</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Cannot train yet: {reason}.</source>
        <translation>还不能训练：{reason}。</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Preparing to train…</source>
        <translation>正在准备训练…</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Drop a photo on the picture or start the camera.</source>
        <translation>把照片拖放到图片上，或启动摄像头。</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>, held-out accuracy {value:.0%}</source>
        <translation>，留出集准确率 {value:.0%}</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Trained on {n} samples: training accuracy {value:.0%}{held}.</source>
        <translation>已在 {n} 个样本上训练：训练准确率 {value:.0%}{held}。</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Train the model first; then the preview shows what it thinks.</source>
        <translation>请先训练模型；之后预览会显示它的判断。</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>The preview failed: {reason}</source>
        <translation>预览失败：{reason}</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Train the model before exporting it.</source>
        <translation>导出前请先训练模型。</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>The classes changed since the last training: train again, then export.</source>
        <translation>自上次训练后类别已改变：请重新训练，然后再导出。</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Exported {path}. The Camera panel lists it as {title!r}.</source>
        <translation>已导出 {path}。“摄像头”面板中它的名称是 {title!r}。</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Exporting {name}…</source>
        <translation>正在导出 {name}…</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Previewing the imported model {title}. Drop a photo on the picture or start the camera; training your own classes replaces it.</source>
        <translation>正在预览导入的模型 {title}。把照片拖到图片上或打开摄像头；训练你自己的类别后将取代它。</translation>
    </message>
    <message>
        <location filename="../teach/taught_model.py"/>
        <source>Imported {path} ({n} classes); it agrees with the original within {difference:.1e}. The preview runs it until you train your own; the Camera panel lists it.</source>
        <translation>已导入 {path}（{n} 个类别）；与原模型的差异不超过 {difference:.1e}。在你训练自己的模型之前，预览使用它；摄像头面板也会列出它。</translation>
    </message>
    <message>
        <location filename="../teach/train_view.py"/>
        <source>Not trained yet.</source>
        <translation>尚未训练。</translation>
    </message>
    <message>
        <location filename="../teach/train_view.py"/>
        <source>Held-out accuracy per class</source>
        <translation>各类别的留出集准确率</translation>
    </message>
    <message>
        <location filename="../teach/train_view.py"/>
        <source>{epochs} epochs on {n} samples: training accuracy {accuracy:.0%}, loss {loss:.3f}; held-out ({held} samples) accuracy </source>
        <translation>在 {n} 个样本上训练了 {epochs} 轮：训练准确率 {accuracy:.0%}，损失 {loss:.3f}；留出集（{held} 个样本）准确率 </translation>
    </message>
    <message>
        <location filename="../teach/train_view.py"/>
        <source>{accuracy:.0%}, loss {loss:.3f}.</source>
        <translation>{accuracy:.0%}，损失 {loss:.3f}。</translation>
    </message>
    <message>
        <location filename="../teach/train_view.py"/>
        <source>n/a.</source>
        <translation>无。</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Add image files to the selected class</source>
        <translation>把图片文件添加到所选类别</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Add every image of a folder to the selected class</source>
        <translation>把文件夹中的所有图片添加到所选类别</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>From Write</source>
        <translation>来自书写</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Add the drawing on the Write panel&apos;s canvas as a sample</source>
        <translation>把“书写”面板画布上的书写添加为样本</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Delete sample</source>
        <translation>删除样本</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Delete the selected samples (or press Delete)</source>
        <translation>删除所选样本（或按 Delete 键）</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Show the camera (live preview once trained)</source>
        <translation>显示摄像头（训练后可实时预览）</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Hold to record</source>
        <translation>按住录制</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Keep the button pressed to save camera frames into the selected class</source>
        <translation>按住按钮，把摄像头画面保存到所选类别中</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>{rate} / s</source>
        <translation>{rate} 张/秒</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Embed every sample and train the classifier</source>
        <translation>嵌入每个样本并训练分类器</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Stop training, adding or exporting</source>
        <translation>停止训练、添加或导出</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Under the hood</source>
        <translation>深入内部</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Augment</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Augment (flip, crop, rotate, brightness)</source>
        <translation>数据增强（翻转、裁剪、旋转、亮度）</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Show where the taught model looks in the preview picture (click a class&apos;s bar to see the evidence for it)</source>
        <translation>显示训练好的模型在预览图片中看哪里（点击某个类别的进度条可查看该类别的证据）</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Preview a photo…</source>
        <translation>预览照片…</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Classify a photo file with the trained model</source>
        <translation>用训练好的模型对照片文件分类</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Teachable Machine model…</source>
        <translation>Teachable Machine 模型…</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Convert a Teachable Machine TensorFlow.js export (model.json or .zip) into your models folder and preview it here until you train your own; you can also drop the export on this panel</source>
        <translation>把 Teachable Machine 的 TensorFlow.js 导出（model.json 或 .zip）转换到你的模型文件夹，并在这里预览，直到你训练自己的模型；也可以把导出直接拖到本面板上</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>&lt;b&gt;{name}&lt;/b&gt;: {n} sample(s)</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;：{n} 个样本</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Add a class to start.</source>
        <translation>添加一个类别以开始。</translation>
    </message>
    <message>
        <location filename="../teach/view.py"/>
        <source>Stop camera</source>
        <translation>停止摄像头</translation>
    </message>
    <message>
        <location filename="../teachable_import.py"/>
        <source>Teachable Machine export (model.json *.zip *.h5)</source>
        <translation>Teachable Machine 导出 (model.json *.zip *.h5)</translation>
    </message>
    <message>
        <location filename="../teachable_import.py"/>
        <source>{name} is Teachable Machine&apos;s Keras export. The app has no TensorFlow, so it reads the TensorFlow.js export: in Teachable Machine choose Export Model, Tensorflow.js, Download my model, and drop that .zip or its folder here. The Keras file converts with: python -m training import-teachable {name} --out model.onnx (it needs the training extra, pip install cnn-classroom[train]).</source>
        <translation>{name} 是 Teachable Machine 的 Keras 导出。本应用不含 TensorFlow，因此读取的是 TensorFlow.js 导出：在 Teachable Machine 中选择 Export Model → Tensorflow.js → Download my model，然后把下载的 .zip 或其文件夹拖到这里。Keras 文件可用以下命令转换：python -m training import-teachable {name} --out model.onnx（需要训练扩展：pip install cnn-classroom[train]）。</translation>
    </message>
    <message>
        <location filename="../teachable_import.py"/>
        <source>There is no models folder to import {name} into; start the app with --models-dir FOLDER.</source>
        <translation>没有可导入 {name} 的模型文件夹；请用 --models-dir 文件夹 启动应用。</translation>
    </message>
    <message>
        <location filename="../why.py"/>
        <source>Why?</source>
        <translation>为什么？</translation>
    </message>
    <message>
        <location filename="../why.py"/>
        <source>Looking for the evidence…</source>
        <translation>正在寻找证据…</translation>
    </message>
    <message>
        <location filename="../why.py"/>
        <source>No heat map: {message}</source>
        <translation>无法生成热力图：{message}</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;About CNN Classroom</source>
        <translation>关于 CNN 课堂(&amp;A)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Open image…</source>
        <translation>打开图片(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Clear</source>
        <translation>清除(&amp;C)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Teach the right character…</source>
        <translation>教它正确的字(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Export my handwriting…</source>
        <translation>导出我的笔迹(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Forget my handwriting…</source>
        <translation>忘掉我的笔迹(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;{n} {panel}</source>
        <translation>&amp;{n} {panel}</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>Presentation zoom &amp;in</source>
        <translation>演示放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>Presentation zoom &amp;out</source>
        <translation>演示缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Reset zoom</source>
        <translation>重置缩放(&amp;R)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>米字格 &amp;grid</source>
        <translation>米字格(&amp;G)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>Follow the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <location filename="../window_menus.py"/>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../workers/jobs.py"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../workers/loads.py"/>
        <source>{where}cannot be shown ({reason})</source>
        <translation>{where}无法显示（{reason}）</translation>
    </message>
    <message>
        <location filename="../write/candidates_view.py"/>
        <source>✎ model: {char}</source>
        <translation>✎ 模型：{char}</translation>
    </message>
    <message>
        <location filename="../write/candidates_view.py"/>
        <source>Your own handwriting samples put this first; the model alone said {char}</source>
        <translation>是你自己的笔迹样本把它排到了第一；只看模型的话是 {char}</translation>
    </message>
    <message>
        <location filename="../write/candidates_view.py"/>
        <source>Copy {char} to the clipboard</source>
        <translation>把 {char} 复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../write/candidates_view.py"/>
        <source>No candidates</source>
        <translation>没有候选字</translation>
    </message>
    <message>
        <location filename="../write/candidates_view.py"/>
        <source>Copy {char}</source>
        <translation>复制 {char}</translation>
    </message>
    <message>
        <location filename="../write/candidates_view.py"/>
        <source>This is what I wrote: teach the models {char}</source>
        <translation>我写的就是它：让模型学习 {char}</translation>
    </message>
    <message>
        <location filename="../write/candidates_view.py"/>
        <source>Copied {char}</source>
        <translation>已复制 {char}</translation>
    </message>
    <message>
        <location filename="../write/canvas.py"/>
        <source>Write a character here</source>
        <translation>在这里写一个字</translation>
    </message>
    <message>
        <location filename="../write/character_picker.py"/>
        <source>Which character did you write? The model&apos;s candidates come first (framed).</source>
        <translation>你写的是哪个字？模型的候选字排在最前面（带边框）。</translation>
    </message>
    <message>
        <location filename="../write/character_picker.py"/>
        <source>Search: 人, ren, ren2, rén or person</source>
        <translation>搜索：人、ren、ren2、rén 或英文释义 person</translation>
    </message>
    <message>
        <location filename="../write/character_picker.py"/>
        <source>Teach the model your handwriting</source>
        <translation>让模型学习你的笔迹</translation>
    </message>
    <message>
        <location filename="../write/character_picker.py"/>
        <source>Teach it this character</source>
        <translation>就教它这个字</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>Strokes going right</source>
        <translation>向右的笔画</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>Strokes going up and right</source>
        <translation>向右上的笔画</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>Strokes going up</source>
        <translation>向上的笔画</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>Strokes going up and left</source>
        <translation>向左上的笔画</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>Strokes going left</source>
        <translation>向左的笔画</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>Strokes going down and left</source>
        <translation>向左下的笔画</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>Strokes going down</source>
        <translation>向下的笔画</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>Strokes going down and right</source>
        <translation>向右下的笔画</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>All the ink (channel 0, the image models&apos; input)</source>
        <translation>全部墨迹（通道 0，即图像模型的输入）</translation>
    </message>
    <message>
        <location filename="../write/direction_channels_view.py"/>
        <source>&lt;b&gt;What the model sees&lt;/b&gt;: the ink (middle) and its 8 pen directions</source>
        <translation>&lt;b&gt;模型看到的图像&lt;/b&gt;：墨迹（中间）和它的 8 个运笔方向</translation>
    </message>
    <message>
        <location filename="../write/feature_maps_view.py"/>
        <source>Feature maps appear here while you write (CNN models only).</source>
        <translation>书写时这里会显示特征图（仅限 CNN 模型）。</translation>
    </message>
    <message>
        <location filename="../write/feature_maps_view.py"/>
        <source>&lt;b&gt;{layer}&lt;/b&gt;: {c} channels, {h} × {w} each</source>
        <translation>&lt;b&gt;{layer}&lt;/b&gt;：{c} 个通道，每个 {h} × {w}</translation>
    </message>
    <message>
        <location filename="../write/feature_maps_view.py"/>
        <source>{layer}: one tile per channel, brightest = strongest response</source>
        <translation>{layer}：每个通道一格，越亮表示响应越强</translation>
    </message>
    <message>
        <location filename="../write/input_view.py"/>
        <source>Point at a pixel to read its value</source>
        <translation>指向一个像素，读取它的值</translation>
    </message>
    <message>
        <location filename="../write/input_view.py"/>
        <source>No input yet</source>
        <translation>还没有输入</translation>
    </message>
    <message>
        <location filename="../write/input_view.py"/>
        <source>What the model sees ({h} × {w})</source>
        <translation>模型看到的图像（{h} × {w}）</translation>
    </message>
    <message>
        <location filename="../write/input_view.py"/>
        <source>row {row}, column {col}: value {value:.1f}</source>
        <translation>第 {row} 行，第 {col} 列：值 {value:.1f}</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>Write a character on the canvas, or open an image of one.</source>
        <translation>在画布上写一个字，或打开一张字的图片。</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>No character model found. Build one with: python -m training build-assets</source>
        <translation>未找到字符模型。请用以下命令构建：python -m training build-assets</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>Write a character first; then, if the answer is wrong, teach the models the right one.</source>
        <translation>先写一个字；如果答案不对，再教模型正确的字。</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>This model reads how a character was written: write it on the canvas (a picture has no pen strokes).</source>
        <translation>这个模型读取字的书写过程：请在画布上书写（图片里没有笔画信息）。</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>Open an image of a character</source>
        <translation>打开一张字的图片</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>No model here knows {char}, so none can learn your handwriting of it</source>
        <translation>这里没有模型认识 {char}，所以没有模型能学习你写的这个字</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>Copied {char} to the clipboard</source>
        <translation>已把 {char} 复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>Tick a model to compare.</source>
        <translation>勾选一个模型进行比较。</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>{path}: the image holds no dark ink on light paper to recognise</source>
        <translation>{path}：图片中没有可识别的浅色纸上的深色笔迹</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>Recognising the image {name}</source>
        <translation>正在识别图片 {name}</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>Opened {path}</source>
        <translation>已打开 {path}</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>Keep writing: the candidates follow your strokes.</source>
        <translation>继续写：候选字会随笔画更新。</translation>
    </message>
    <message>
        <location filename="../write/panel.py"/>
        <source>Recognition failed: {message}</source>
        <translation>识别失败：{message}</translation>
    </message>
    <message>
        <location filename="../write/personal_controller.py"/>
        <source>No samples of your handwriting are kept yet: when an answer is wrong, use “Not right? Teach it…”.</source>
        <translation>还没有保存你的笔迹样本：答案不对时，点“不对？教教它…”。</translation>
    </message>
    <message>
        <location filename="../write/personal_controller.py"/>
        <source>Your handwriting samples could not be used ({reason})</source>
        <translation>无法使用你的笔迹样本（{reason}）</translation>
    </message>
    <message>
        <location filename="../write/personal_controller.py"/>
        <source>Forget my handwriting</source>
        <translation>忘掉我的笔迹</translation>
    </message>
    <message>
        <location filename="../write/personal_controller.py"/>
        <source>Delete the {n} samples of your handwriting kept on this computer? The models then answer on their own again.</source>
        <translation>删除这台电脑上保存的 {n} 个笔迹样本吗？之后模型会重新只凭自己作答。</translation>
    </message>
    <message>
        <location filename="../write/personal_controller.py"/>
        <source>Export my handwriting (a &lt;char&gt;/&lt;n&gt;.png folder)</source>
        <translation>导出我的笔迹（&lt;字&gt;/&lt;n&gt;.png 文件夹）</translation>
    </message>
    <message>
        <location filename="../write/personal_controller.py"/>
        <source>Kept this drawing as your {char}: the models now learn from {n} samples of your handwriting</source>
        <translation>已把这次书写保存为你写的 {char}：模型现在从你的 {n} 个笔迹样本中学习</translation>
    </message>
    <message>
        <location filename="../write/personal_controller.py"/>
        <source>Forgot your handwriting ({n} samples deleted)</source>
        <translation>已忘掉你的笔迹（删除了 {n} 个样本）</translation>
    </message>
    <message>
        <location filename="../write/personal_controller.py"/>
        <source>Exported {n} samples of your handwriting to {folder}</source>
        <translation>已把 {n} 个笔迹样本导出到 {folder}</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>{n} samples</source>
        <translation>{n} 个样本</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>{n} samples of your handwriting, kept only on this computer</source>
        <translation>你的 {n} 个笔迹样本，只保存在这台电脑上</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>55 course characters</source>
        <translation>课程 55 字</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>All 3,755 characters</source>
        <translation>全部 3755 字</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Which characters the models tell apart: the 55 of the course, or all 3,755 common characters (GB2312 level 1)</source>
        <translation>模型区分哪些汉字：课程的 55 个字，或全部 3755 个常用字（GB2312 一级字库）</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>No model for all 3,755 characters is installed. Build one with: python -m training build-assets --vocabulary gb2312-1</source>
        <translation>尚未安装识别全部 3755 字的模型。构建命令：python -m training build-assets --vocabulary gb2312-1</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Take back the last stroke (Ctrl+Z)</source>
        <translation>撤回最后一笔 (Ctrl+Z)</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Put the stroke back (Ctrl+Shift+Z)</source>
        <translation>恢复撤回的一笔 (Ctrl+Shift+Z)</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Start again with an empty canvas (Esc)</source>
        <translation>清空画布重新开始 (Esc)</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Recognise a picture of a character (Ctrl+O)</source>
        <translation>识别一张字的图片 (Ctrl+O)</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Pen width in pixels: the model sees the same line</source>
        <translation>笔宽（像素）：模型看到的线条粗细相同</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>米字格 grid</source>
        <translation>米字格</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Not right? Teach it…</source>
        <translation>不对？教教它…</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Pick the character you wrote: the drawing is kept on this computer as a sample of your handwriting, and the models learn it at once</source>
        <translation>选出你写的字：这次书写会作为你的笔迹样本保存在这台电脑上，模型立刻就能学会</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Forget my handwriting…</source>
        <translation>忘掉我的笔迹…</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Export my handwriting…</source>
        <translation>导出我的笔迹…</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>My handwriting</source>
        <translation>我的笔迹</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Your handwriting samples: export them for training, or forget them</source>
        <translation>你的笔迹样本：导出用于训练，或者忘掉它们</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Pen</source>
        <translation>笔</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Tick the models to run side by side on the same drawing</source>
        <translation>勾选要在同一书写上并排运行的模型</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>Show where the model looked: a heat map of the evidence for its top candidate (click a candidate to see the evidence for it)</source>
        <translation>显示模型看了哪里：它的首选候选字的证据热力图（点击某个候选字可查看该字的证据）</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>&lt;b&gt;Feature maps&lt;/b&gt; of the CNN</source>
        <translation>CNN 的&lt;b&gt;特征图&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../write/view.py"/>
        <source>✎ {char} comes from your handwriting: the model alone said {model}</source>
        <translation>✎ {char} 来自你的笔迹：只看模型的话是 {model}</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Identity</source>
        <translation>恒等</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Copies the image: only the centre counts.</source>
        <translation>复制图像：只有中心有作用。</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Box blur</source>
        <translation>方框模糊</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>The mean of the 3×3 neighbourhood.</source>
        <translation>3×3 邻域的平均值。</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Gaussian blur</source>
        <translation>高斯模糊</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>A weighted mean: near pixels count more, so edges stay a little sharper than with a box blur.</source>
        <translation>加权平均：越近的像素权重越大，因此边缘比方框模糊稍清晰。</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Sharpen</source>
        <translation>锐化</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Adds the difference to the neighbours back to each pixel.</source>
        <translation>把与邻居的差值加回到每个像素上。</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Outline</source>
        <translation>轮廓</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Zero on flat areas, large where a pixel differs from its neighbours: edges.</source>
        <translation>平坦区域为零，像素与邻居差异大的地方值大：即边缘。</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Sobel x</source>
        <translation>Sobel x</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Positive where the image gets brighter from left to right: vertical edges.</source>
        <translation>图像从左到右变亮的地方为正：即竖直边缘。</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Sobel y</source>
        <translation>Sobel y</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Positive where the image gets brighter from top to bottom: horizontal edges.</source>
        <translation>图像从上到下变亮的地方为正：即水平边缘。</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Emboss</source>
        <translation>浮雕</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Lights the image from the top left: a relief.</source>
        <translation>从左上方照亮图像：形成浮雕效果。</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>Detect yellow</source>
        <translation>检测黄色</translation>
    </message>
    <message>
        <location filename="../../core/kernels.py"/>
        <source>The course&apos;s 1×1 filter over RGB: red + green − blue, largest for yellow (255, 255, 0).</source>
        <translation>课程中作用于 RGB 的 1×1 滤波器：红 + 绿 − 蓝，对黄色 (255, 255, 0) 最大。</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation type="obsolete">课程(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;{n} {name}</source>
        <translation type="obsolete">&amp;{n} {name}</translation>
    </message>
    <message>
        <source>Coming soon.</source>
        <translation type="obsolete">即将推出。</translation>
    </message>
    <message>
        <source>Compare two models side by side</source>
        <translation type="obsolete">并排比较两个模型</translation>
    </message>
    <message>
        <source>Preview a Teachable Machine model…</source>
        <translation type="obsolete">预览 Teachable Machine 模型…</translation>
    </message>
    <message>
        <source>This version of the app has no lesson action “{name}”.</source>
        <translation type="obsolete">此版本的应用没有课程动作“{name}”。</translation>
    </message>
    <message>
        <source>This view is not available in this installation ({reason}).</source>
        <translation type="obsolete">此安装中没有这个视图（{reason}）。</translation>
    </message>
</context>
</TS>
