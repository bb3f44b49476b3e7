//! Avatar images served by the mock, so a demo shows a picture without reaching the internet.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `GET /avatars/{initials}.svg`: a round badge with up to two letters or digits.
pub(crate) async fn avatar(Path(file): Path<String>) -> Response {
    let Some(initials) = file.strip_suffix(".svg") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let letters: String = initials
        .chars()
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    // Only letters and digits reach the SVG, so nothing needs escaping.
    let hue = letters.chars().map(u32::from).sum::<u32>() * 47 % 360;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"128\" height=\"128\" viewBox=\"0 0 128 128\">\
         <circle cx=\"64\" cy=\"64\" r=\"64\" fill=\"hsl({hue},55%,42%)\"/>\
         <text x=\"64\" y=\"64\" dy=\".35em\" text-anchor=\"middle\" font-family=\"sans-serif\" \
         font-size=\"52\" fill=\"#fff\">{letters}</text></svg>"
    );
    let mut response = svg.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    response
}
