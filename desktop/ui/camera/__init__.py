"""The Camera panel: live ImageNet classification of a camera, photos, a folder or a video."""
