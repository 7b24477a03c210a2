"""The hand-written corpus of the kontumtv fixture site (Vietnamese, provincial news).

Every text here was written for this project (no sentence is copied from kontumtv.vn or
from ../shared/seed-article.txt). Names of people are invented. The gold records are
derived from these definitions, so editing an article here and running
``newsarchive fixtures build --update`` is the only way to change the gold.

Paragraph markup: see ``markup`` ('[text](target)' links, '**bold**', '## ' subheads).
Link targets 'post:SLUG' (a post), 'p:SLUG' (the /?p=ID shortlink, answered 301) and
'noslash:SLUG' (the post URL without its trailing slash, answered 301).
"""

from __future__ import annotations

import datetime as dt

from crawler.sitegen import markup
from crawler.sitegen.model import TZ, BodyImage, Category, Comment, Page, Post, Site, User
from crawler.sitegen.themes import KontumTheme

PREFIX = "(kontumtv.vn) –"

USERS = {
    "minh-ha": "Minh Hà",
    "quoc-khanh": "Quốc Khánh",
    "thu-hang": "Thu Hằng",
    "ngoc-minh": "Ngọc Minh",
    "hong-nhung": "Hồng Nhung",
    "van-son": "Văn Sơn",
}

CATEGORIES = (
    Category("thoi-su", "Thời sự"),
    Category("kinh-te", "Kinh tế"),
    Category("van-hoa-xa-hoi", "Văn hóa – Xã hội"),
    Category("quoc-phong-an-ninh", "Quốc phòng – An ninh"),
    Category("du-lich", "Du lịch"),
    Category("video-clip", "Video clip"),
    Category("thoi-su", "Thời sự", parent="video-clip"),
    Category("phong-su", "Phóng sự", parent="video-clip"),
)

PAGES = (
    Page("gioi-thieu", "Giới thiệu", (
        "Đài Phát thanh - Truyền hình Kon Tum là cơ quan báo chí của Đảng bộ, chính quyền và "
        "nhân dân các dân tộc tỉnh Kon Tum, thực hiện chức năng thông tin, tuyên truyền bằng "
        "các loại hình phát thanh, truyền hình và báo điện tử.",
        "Chương trình phát thanh và truyền hình của Đài được sản xuất bằng tiếng Việt và các "
        "tiếng dân tộc thiểu số Xơ Đăng, Ba Na, Gia Rai, phục vụ đồng bào ở vùng sâu, vùng xa, "
        "vùng biên giới.",
        "Trang thông tin điện tử kontumtv.vn cập nhật tin tức thời sự, kinh tế, văn hóa, xã hội "
        "và các chương trình video của Đài hằng ngày.",
    )),
    Page("lien-he", "Liên hệ", (
        "Mọi thông tin, bài viết, ý kiến góp ý xin gửi về Ban Biên tập trang thông tin điện tử "
        "của Đài Phát thanh - Truyền hình Kon Tum.",
        "Đường dây nóng tiếp nhận tin báo của bạn nghe đài và khán giả truyền hình hoạt động "
        "từ 7 giờ đến 21 giờ tất cả các ngày trong tuần.",
        "Quý cơ quan, doanh nghiệp có nhu cầu quảng cáo trên sóng phát thanh, truyền hình xin "
        "liên hệ Phòng Dịch vụ quảng cáo trong giờ hành chính.",
    )),
    Page("noi-bo/lich-cong-tac", "Lịch công tác nội bộ", (
        "Lịch công tác tuần của Ban Giám đốc và các phòng chuyên môn, chỉ dùng cho cán bộ, "
        "viên chức của Đài.",
        "Thứ Hai: giao ban đầu tuần lúc 7 giờ 30 tại phòng họp tầng 2.",
        "Thứ Năm: duyệt chương trình thời sự cuối tuần và kế hoạch tuyên truyền tháng sau.",
    )),
)


def C(author: str, date: str, text: str) -> Comment:
    return Comment(author, date, text)


def I(file: str, alt: str, caption: str | None = None, after: int = 1,  # noqa: E743
      figure: bool = False) -> BodyImage:
    return BodyImage(file, alt, caption, after, figure)


POSTS: list[Post] = []


def P(*args: object, **kw: object) -> None:
    POSTS.append(Post.spec(*args, **kw))  # type: ignore[arg-type]


# --- Thời sự -------------------------------------------------------------------------------

P("so-ket-cong-tac-dan-van-9-thang-nam-2017",
  "Sơ kết công tác dân vận 9 tháng năm 2017", "thoi-su", "2017-09-21 17:20", "minh-ha",
  "dân vận; Tỉnh ủy",
  ["Chiều ngày 21/9, Ban Dân vận Tỉnh ủy Kon Tum tổ chức hội nghị sơ kết công tác dân vận 9 "
   "tháng đầu năm và triển khai nhiệm vụ những tháng cuối năm 2017. Dự hội nghị có lãnh đạo "
   "Mặt trận Tổ quốc, các đoàn thể chính trị – xã hội và ban dân vận các huyện ủy, thành ủy.",
   "Theo báo cáo, trong 9 tháng qua, các cấp ủy đã chú trọng đối thoại trực tiếp với nhân dân, "
   "kịp thời nắm bắt tâm tư của đồng bào vùng sâu, vùng xa. Phong trào thi đua “Dân vận khéo” "
   "được triển khai rộng khắp, với hơn 300 mô hình được công nhận ở cơ sở.",
   "Tuy vậy, hội nghị cũng chỉ ra một số hạn chế: việc nắm tình hình ở một số thôn, làng còn "
   "chậm; công tác tuyên truyền vận động đồng bào không nghe theo kẻ xấu xúi giục có nơi chưa "
   "thường xuyên.",
   "Phát biểu chỉ đạo, Phó Bí thư Thường trực Tỉnh ủy Lê Văn Đạt đề nghị các ngành tiếp tục "
   "đổi mới phương thức vận động quần chúng, gắn công tác dân vận với nhiệm vụ giảm nghèo bền "
   "vững và xây dựng nông thôn mới trong những tháng cuối năm."],
  prefix=PREFIX, byline="Minh Hà – Quốc Khánh", show_date=False, relative_date=True,
  modified="2017-09-22 08:05")

P("ky-hop-thu-9-hdnd-tinh-thong-qua-ke-hoach-dau-tu-cong",
  "Kỳ họp thứ 9 HĐND tỉnh thông qua kế hoạch đầu tư công trung hạn", "thoi-su",
  "2019-12-10 11:45", "thu-hang", "HĐND tỉnh; đầu tư công; kỳ họp",
  ["Sáng nay, kỳ họp thứ 9 Hội đồng nhân dân tỉnh khóa XI bế mạc sau ba ngày làm việc khẩn "
   "trương với 24 nghị quyết được thông qua.",
   "Đáng chú ý là nghị quyết về kế hoạch đầu tư công trung hạn, trong đó ưu tiên vốn cho các "
   "tuyến đường liên huyện, hệ thống thủy lợi nhỏ và trường học ở các xã đặc biệt khó khăn. "
   "Các đại biểu đề nghị không dàn trải, tập trung hoàn thành dứt điểm các công trình dở dang.",
   "Tại phiên chất vấn, nhiều ý kiến quan tâm đến tiến độ cấp giấy chứng nhận quyền sử dụng "
   "đất và tình trạng thiếu giáo viên mầm non. Lãnh đạo các sở đã giải trình, nhận trách nhiệm "
   "và hứa khắc phục trong năm 2020.",
   "Bế mạc kỳ họp, Chủ tịch HĐND tỉnh yêu cầu UBND tỉnh sớm cụ thể hóa các nghị quyết, định "
   "kỳ báo cáo kết quả thực hiện tại các kỳ họp tiếp theo."],
  prefix=PREFIX,
  images=(I("2019/12/ky-hop-hdnd.jpg", "KY HOP THU 9 HDND TINH",
            "Quang cảnh phiên bế mạc kỳ họp thứ 9 HĐND tỉnh khóa XI", after=1),))

P("kon-tum-quang-ngai-chuan-bi-hop-nhat",
  "Kon Tum – Quảng Ngãi: sẵn sàng cho ngày chính thức hợp nhất", "thoi-su",
  "2025-06-28 09:10", "quoc-khanh", "sắp xếp đơn vị hành chính; Quảng Ngãi; Kon Tum",
  ["Chỉ còn ít ngày nữa, tỉnh Kon Tum và tỉnh Quảng Ngãi sẽ chính thức hợp nhất thành tỉnh "
   "Quảng Ngãi mới theo nghị quyết của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh.",
   "Những ngày này, tại trụ sở các sở, ngành ở thành phố Kon Tum, cán bộ, công chức khẩn "
   "trương bàn giao hồ sơ, số hóa tài liệu và kiểm kê tài sản công. Nhiều cơ quan đã chạy thử "
   "phần mềm quản lý văn bản dùng chung của tỉnh mới.",
   "Chị Y Hiền, công chức Sở Tài chính, cho biết: “Chúng tôi làm thêm cả thứ Bảy, Chủ nhật để "
   "không một hồ sơ nào của người dân bị chậm trễ trong thời gian chuyển tiếp”.",
   "Theo phương án, trung tâm hành chính – chính trị của tỉnh mới đặt tại thành phố Quảng Ngãi. "
   "Khu vực Kon Tum vẫn duy trì các điểm tiếp nhận hồ sơ hành chính công để người dân không "
   "phải đi xa.",
   "Nhiều người dân bày tỏ kỳ vọng việc hợp nhất sẽ mở ra không gian phát triển mới, kết nối "
   "vùng Tây Nguyên với cảng biển Dung Quất."],
  amp=True,
  comments=(C("Nguyễn Văn Tâm", "2025-06-28 10:02",
              "Mong các thủ tục đất đai ở huyện sẽ không bị gián đoạn khi chuyển sang tỉnh mới."),
            C("A Thuyên", "2025-06-28 13:40",
              "Người dân vùng cao rất quan tâm việc đi lại làm giấy tờ, mong tỉnh sớm thông tin."),
            C("Lê Thị Mai", "2025-06-29 07:15",
              "Chúc cán bộ Kon Tum vững vàng trong giai đoạn chuyển tiếp này.")))

P("cong-bo-nghi-quyet-thanh-lap-tinh-quang-ngai",
  "Công bố nghị quyết hợp nhất, thành lập tỉnh Quảng Ngãi mới", "thoi-su",
  "2025-07-01 10:30", "minh-ha", "sắp xếp đơn vị hành chính; Quảng Ngãi",
  ["Sáng 1/7, tại thành phố Quảng Ngãi, Trung ương tổ chức hội nghị công bố nghị quyết của "
   "Quốc hội và các quyết định về nhân sự của tỉnh Quảng Ngãi mới, trên cơ sở hợp nhất hai "
   "tỉnh Quảng Ngãi và Kon Tum.",
   "Tỉnh mới có diện tích hơn 14.800 km², dân số trên hai triệu người, với 96 đơn vị hành "
   "chính cấp xã. Cùng ngày, các xã, phường mới sau sắp xếp cũng chính thức đi vào hoạt động "
   "theo mô hình chính quyền địa phương hai cấp.",
   "Tại điểm cầu thành phố Kon Tum trước đây, đông đảo cán bộ và nhân dân theo dõi trực tiếp "
   "hội nghị. Ông Trần Quang Hưng, một cựu chiến binh ở phường Quyết Thắng, xúc động chia sẻ "
   "rằng ông tin vùng đất phía bắc Tây Nguyên sẽ phát triển nhanh hơn khi có thêm lợi thế "
   "biển.",
   "Lãnh đạo tỉnh cam kết bảo đảm hoạt động thông suốt của bộ máy, không để gián đoạn việc "
   "giải quyết thủ tục hành chính cho người dân và doanh nghiệp."],
  prefix=PREFIX, byline="Minh Hà – Văn Sơn")

P("mit-tinh-ky-niem-30-nam-tai-lap-tinh-kon-tum",
  "Mít tinh kỷ niệm 30 năm Ngày tái lập tỉnh Kon Tum", "thoi-su", "2021-08-12 10:15",
  "van-son", "tái lập tỉnh; Kon Tum",
  ["Sáng nay, Tỉnh ủy, HĐND, UBND, Ủy ban MTTQ Việt Nam tỉnh tổ chức mít tinh kỷ niệm 30 "
   "năm Ngày tái lập tỉnh Kon Tum (12/8/1991 – 12/8/2021). Do tình hình dịch bệnh, buổi lễ "
   "được tổ chức gọn nhẹ, kết nối trực tuyến đến 10 huyện, thành phố.",
   "Diễn văn tại lễ mít tinh nêu rõ, từ một tỉnh nghèo, cơ sở hạ tầng gần như chưa có gì, sau "
   "30 năm Kon Tum đã có bước phát triển khá toàn diện. Quy mô nền kinh tế tăng hơn 30 lần; "
   "100% xã có đường ô tô đến trung tâm; tỷ lệ hộ nghèo giảm mạnh qua từng giai đoạn.",
   "Nhân dịp này, nhiều tập thể và cá nhân có thành tích xuất sắc được nhận bằng khen của Thủ "
   "tướng Chính phủ và của UBND tỉnh."],
  meta=False)

P("cu-tri-kon-tum-nao-nuc-di-bau-cu",
  "Cử tri Kon Tum náo nức đi bầu cử đại biểu Quốc hội và HĐND các cấp", "thoi-su",
  "2021-05-23 15:00", "thu-hang", "bầu cử; HĐND tỉnh",
  ["Từ sáng sớm 23/5, cử tri các dân tộc trong tỉnh đã có mặt tại các khu vực bỏ phiếu để "
   "thực hiện quyền và nghĩa vụ công dân trong ngày hội non sông.",
   "Tại khu vực bỏ phiếu số 3, xã Đăk Rơ Wa, thành phố Kon Tum, nhiều già làng mặc trang phục "
   "truyền thống đến bỏ phiếu từ rất sớm. Công tác phòng, chống dịch được thực hiện nghiêm, cử "
   "tri đeo khẩu trang và giữ khoảng cách khi xếp hàng.",
   "Đến 15 giờ, tỷ lệ cử tri đi bầu toàn tỉnh đạt trên 98%. Một số khu vực ở huyện Tu Mơ Rông "
   "và Đăk Glei đã hoàn thành việc bỏ phiếu trước thời gian quy định.",
   "Ban Bầu cử các đơn vị cho biết sẽ tiến hành kiểm phiếu ngay sau khi kết thúc bỏ phiếu, bảo "
   "đảm đúng trình tự luật định."],
  prefix=PREFIX)

P("dai-hoi-dang-bo-tinh-kon-tum-lan-thu-xvi",
  "Khai mạc Đại hội đại biểu Đảng bộ tỉnh Kon Tum lần thứ XVI", "thoi-su",
  "2020-10-13 09:40", "minh-ha", "Đại hội Đảng; Tỉnh ủy",
  ["Sáng 13/10, Đại hội đại biểu Đảng bộ tỉnh Kon Tum lần thứ XVI, nhiệm kỳ 2020 – 2025 "
   "trọng thể khai mạc tại Trung tâm Hội nghị tỉnh với sự tham dự của 300 đại biểu đại diện "
   "cho hơn 35.000 đảng viên trong toàn Đảng bộ.",
   "Đại hội có chủ đề: tăng cường xây dựng, chỉnh đốn Đảng; phát huy sức mạnh đại đoàn kết "
   "các dân tộc; khai thác hiệu quả tiềm năng, lợi thế, đưa Kon Tum phát triển nhanh, bền vững.",
   "## Nhiều chỉ tiêu vượt kế hoạch",
   "Báo cáo chính trị cho thấy, nhiệm kỳ qua tốc độ tăng trưởng kinh tế bình quân đạt khoảng "
   "8% mỗi năm; thu ngân sách năm sau cao hơn năm trước; tỷ lệ hộ nghèo giảm bình quân trên 3% "
   "mỗi năm. Hạ tầng giao thông, điện, thủy lợi được đầu tư đồng bộ hơn.",
   "## Mục tiêu cho nhiệm kỳ mới",
   "Đại hội xác định ba khâu đột phá: phát triển nông nghiệp ứng dụng công nghệ cao gắn với "
   "dược liệu; phát triển du lịch, trọng tâm là Khu du lịch Măng Đen; cải cách hành chính và "
   "chuyển đổi số.",
   "Đại hội làm việc đến hết ngày 15/10, bầu Ban Chấp hành Đảng bộ tỉnh khóa mới và đoàn đại "
   "biểu đi dự Đại hội XIII của Đảng."],
  split=4, modified="2020-10-13 14:00")

P("tiep-xuc-cu-tri-huyen-dak-glei",
  "Đoàn đại biểu Quốc hội tiếp xúc cử tri huyện Đăk Glei", "thoi-su", "2018-07-05 16:20",
  "hong-nhung", "tiếp xúc cử tri; Đăk Glei; Quốc hội",
  ["Đoàn đại biểu Quốc hội tỉnh vừa có buổi tiếp xúc cử tri tại xã Đăk Choong, huyện Đăk "
   "Glei, thông báo kết quả kỳ họp thứ 5 Quốc hội khóa XIV.",
   "Cử tri phản ánh đường giao thông từ trung tâm xã đến các thôn xuống cấp nghiêm trọng, mùa "
   "mưa đi lại rất khó khăn; giá cả vật tư nông nghiệp tăng cao trong khi giá sâm dây, mì "
   "(sắn) lại bấp bênh.",
   "Nhiều ý kiến đề nghị Nhà nước có chính sách hỗ trợ đồng bào trồng và bảo vệ rừng, nâng "
   "mức khoán bảo vệ rừng để người dân yên tâm gắn bó.",
   "Thay mặt đoàn, đại biểu Y Ngọc ghi nhận đầy đủ các ý kiến, đồng thời giải đáp những vấn "
   "đề thuộc thẩm quyền; các kiến nghị còn lại sẽ được tổng hợp gửi đến cơ quan chức năng."],
  nfd=True, prefix=PREFIX)

P("kon-tum-kich-hoat-phong-chong-dich-covid-19",
  "Kon Tum kích hoạt các biện pháp cao nhất phòng, chống dịch Covid-19", "thoi-su",
  "2020-03-27 20:05", "quoc-khanh", "Covid-19; y tế",
  ["UBND tỉnh vừa ban hành công văn khẩn yêu cầu các sở, ngành, địa phương kích hoạt các biện "
   "pháp ở mức cao nhất để phòng, chống dịch Covid-19.",
   "Theo đó, các chốt kiểm soát y tế được lập tại cửa khẩu quốc tế Bờ Y và các tuyến quốc lộ "
   "14, 24, 40. Người từ vùng dịch đến Kon Tum phải khai báo y tế và được theo dõi sức khỏe "
   "tại nơi cư trú.",
   "Các hoạt động lễ hội, sự kiện đông người được tạm dừng; học sinh tiếp tục nghỉ học đến khi "
   "có thông báo mới.",
   "Sở Y tế khuyến cáo người dân không hoang mang, thường xuyên rửa tay bằng xà phòng, đeo "
   "khẩu trang nơi công cộng và theo dõi thông tin chính thống từ cơ quan chức năng."],
  comments=(C("Phạm Hùng", "2020-03-27 21:30",
              "Cảm ơn Đài đã cập nhật kịp thời, gia đình tôi sẽ chấp hành nghiêm."),
            C("Y Vân", "2020-03-28 06:45",
              "Đề nghị thông báo thêm số điện thoại đường dây nóng của từng huyện.")))

P("hop-bao-ket-qua-phat-trien-kinh-te-xa-hoi-nam-2024",
  "Họp báo kết quả phát triển kinh tế – xã hội năm 2024", "thoi-su", "2024-12-27 16:40",
  "thu-hang", "kinh tế – xã hội; họp báo",
  ["Chiều 27/12, UBND tỉnh tổ chức họp báo thông tin kết quả thực hiện nhiệm vụ phát triển "
   "kinh tế – xã hội năm 2024.",
   "Tăng trưởng kinh tế của tỉnh ước đạt 7,2%, thu ngân sách vượt dự toán được giao. Thu nhập "
   "bình quân đầu người tăng khá, đời sống của đồng bào dân tộc thiểu số từng bước được cải "
   "thiện.",
   "Tuy nhiên, giải ngân vốn đầu tư công ở một số dự án còn chậm, thị trường bất động sản trầm "
   "lắng ảnh hưởng đến nguồn thu từ đất."])


# --- Kinh tế -------------------------------------------------------------------------------

P("nong-dan-dak-ha-vao-vu-thu-hoach-ca-phe",
  "Nông dân Đăk Hà vào vụ thu hoạch cà phê", "kinh-te", "2018-11-14 15:25", "hong-nhung",
  "cà phê; Đăk Hà; nông nghiệp",
  ["Những ngày này, trên khắp các vườn cà phê ở huyện Đăk Hà, bà con tất bật thu hái, phơi "
   "sấy cho kịp vụ. Năm nay thời tiết thuận lợi, nhiều vườn đạt năng suất từ 3,5 đến 4 tấn "
   "nhân mỗi héc-ta.",
   "Gia đình anh A Hmui ở làng Kon Gu có hơn 2 ha cà phê vối đang cho thu hoạch. Anh cho biết, "
   "từ khi áp dụng tưới tiết kiệm và bón phân hữu cơ, cây khỏe hơn, ít sâu bệnh, chi phí giảm "
   "đáng kể.",
   "Toàn huyện hiện có trên 13.000 ha cà phê, trong đó diện tích được chứng nhận sản xuất theo "
   "tiêu chuẩn bền vững ngày càng mở rộng. Ngành nông nghiệp khuyến cáo bà con chỉ hái quả "
   "chín để nâng cao chất lượng và giá bán.",
   "Giá cà phê nhân hiện dao động quanh mức 34.000 đồng/kg, cao hơn cùng kỳ năm trước, giúp "
   "người trồng phấn khởi."],
  prefix=PREFIX, byline="Hồng Nhung – Quốc Khánh", byline_names=("Hồng Nhung", "Quốc Khánh"),
  images=(I("2018/11/thu-hoach-ca-phe.jpg", "THU HOACH CA PHE DAK HA",
            "Người dân làng Kon Gu thu hái cà phê chín", after=1, figure=True),))

P("sam-ngoc-linh-cay-tri-ty-cua-dai-ngan",
  "Sâm Ngọc Linh – cây “tỷ đô” của đại ngàn", "kinh-te", "2019-08-20 08:30", "ngoc-minh",
  "sâm Ngọc Linh; dược liệu; Tu Mơ Rông",
  ["Dưới tán rừng già trên dãy Ngọc Linh, những luống sâm được người dân chăm chút như báu "
   "vật. Sâm Ngọc Linh đã được xác định là sản phẩm quốc gia, mở ra hướng làm giàu cho đồng "
   "bào Xơ Đăng ở các huyện Tu Mơ Rông và Đăk Glei.",
   "Theo Sở Khoa học và Công nghệ, toàn tỉnh có hàng nghìn héc-ta vùng trồng sâm, phần lớn do "
   "doanh nghiệp liên kết với người dân. Chi tiết quy hoạch vùng trồng được công khai trên "
   "[Cổng thông tin điện tử Chính phủ](https://chinhphu.vn/quy-hoach-vung-trong-sam-ngoc-linh).",
   "Để chống sâm giả, sâm trôi nổi, tỉnh đã bảo hộ nhãn hiệu chứng nhận và truy xuất nguồn gốc "
   "bằng tem điện tử. Người mua được khuyến cáo chỉ mua tại các cơ sở được cấp phép.",
   "Bạn đọc có thể xem lại loạt bài cũ về "
   "[lễ hội sâm năm 2015](/kinh-te/le-hoi-sam-ngoc-linh-2015/) "
   "để thấy chặng đường phát triển của loại dược liệu quý này.",
   "Ông Nguyễn Đức Long, một doanh nghiệp trồng sâm ở Tu Mơ Rông, cho rằng nếu giữ được chất "
   "lượng và uy tín thì sâm Ngọc Linh hoàn toàn có thể vươn ra thị trường thế giới."])

P("nguoi-trong-cao-su-tieu-dien-phan-khoi",
  "Người trồng cao su tiểu điền phấn khởi vì giá mủ tăng", "kinh-te", "2016-05-12 09:00",
  "van-son", "cao su; Sa Thầy",
  ["Sau nhiều năm giá mủ cao su xuống thấp, thời gian gần đây giá thu mua đã nhích lên, giúp "
   "người trồng cao su tiểu điền ở huyện Sa Thầy có thêm động lực chăm sóc vườn cây.",
   "Ông Đinh Văn Thắng ở xã Sa Bình có 3 ha cao su đang khai thác. Ông kể, có thời điểm giá mủ "
   "nước chỉ còn hơn 5.000 đồng/kg, nhiều hộ xung quanh đã chặt bỏ cây để trồng mì.",
   "Ngành nông nghiệp khuyến cáo người dân không nên ồ ạt mở rộng diện tích, mà tập trung thâm "
   "canh, cạo mủ đúng kỹ thuật để kéo dài thời gian khai thác của vườn cây."],
  meta=False, date_style="day", encoding="cp1258")

P("khu-kinh-te-cua-khau-quoc-te-bo-y-thu-hut-dau-tu",
  "Khu kinh tế cửa khẩu quốc tế Bờ Y thu hút đầu tư", "kinh-te", "2017-03-16 14:10",
  "thu-hang", "Bờ Y; cửa khẩu; đầu tư",
  ["Nằm ở ngã ba Đông Dương, Khu kinh tế cửa khẩu quốc tế Bờ Y đang được kỳ vọng trở thành "
   "cửa ngõ giao thương của Kon Tum với Lào, Campuchia và Thái Lan.",
   "Ban Quản lý khu kinh tế cho biết, đến nay đã có hàng chục dự án đăng ký đầu tư, tập trung "
   "vào chế biến nông sản, kho bãi và dịch vụ logistics. Lượng người và phương tiện qua cửa "
   "khẩu tăng đều qua các năm.",
   "Tuy vậy, hạ tầng khu kinh tế vẫn chưa đồng bộ, khu dân cư và dịch vụ đi kèm còn thiếu. "
   "Tỉnh đang kiến nghị Trung ương bố trí thêm vốn để hoàn thiện các tuyến đường nội khu.",
   "Các doanh nghiệp cũng mong thủ tục thông quan được cải tiến theo hướng một cửa, một lần "
   "dừng để tiết kiệm thời gian, chi phí."],
  modified="2017-03-17 09:00")

P("mang-den-phat-trien-nong-nghiep-cong-nghe-cao",
  "Măng Đen phát triển nông nghiệp công nghệ cao", "kinh-te", "2022-04-19 10:05",
  "ngoc-minh", "Măng Đen; nông nghiệp công nghệ cao; Kon Plông",
  ["Với khí hậu mát mẻ quanh năm, Măng Đen (huyện Kon Plông) đang hình thành nhiều mô hình "
   "trồng rau, hoa, dâu tây trong nhà kính, cho giá trị kinh tế cao.",
   "Hợp tác xã Nông nghiệp xanh Măng Đen hiện canh tác gần 10 ha rau ôn đới theo tiêu chuẩn "
   "VietGAP. Sản phẩm được đưa về các siêu thị ở Đà Nẵng và Thành phố Hồ Chí Minh.",
   "Theo lãnh đạo huyện, các mô hình này góp phần hiện thực hóa mục tiêu mà "
   "[Đại hội Đảng bộ tỉnh](p:dai-hoi-dang-bo-tinh-kon-tum-lan-thu-xvi) đề ra về nông nghiệp "
   "ứng dụng công nghệ cao gắn với du lịch.",
   "Khó khăn lớn nhất hiện nay là quỹ đất sạch và nguồn lao động có tay nghề. Huyện đang phối "
   "hợp với các trường đào tạo nghề mở lớp ngắn hạn cho thanh niên địa phương."],
  amp=True)

P("chanh-day-kon-tum-vuon-ra-thi-truong-xuat-khau",
  "Chanh dây Kon Tum vươn ra thị trường xuất khẩu", "kinh-te", "2023-06-07 07:50",
  "hong-nhung", "chanh dây; xuất khẩu; nông nghiệp",
  ["Lô chanh dây đầu tiên của một hợp tác xã ở huyện Ia H’Drai vừa được xuất khẩu sang thị "
   "trường châu Âu, đánh dấu bước tiến mới của nông sản Kon Tum.",
   "Để đạt yêu cầu của đối tác, vườn chanh dây phải được cấp mã số vùng trồng, ghi chép nhật ký "
   "canh tác đầy đủ và kiểm soát chặt dư lượng thuốc bảo vệ thực vật.",
   "Ông Hồ Văn Lực, giám đốc hợp tác xã, nói rằng nhờ liên kết với doanh nghiệp bao tiêu, xã "
   "viên không còn lo cảnh được mùa mất giá như trước."],
  prefix=PREFIX)

P("hoi-cho-san-pham-ocop-kon-tum-2023",
  "Hơn 100 gian hàng tham gia Hội chợ sản phẩm OCOP", "kinh-te", "2023-11-18 18:30",
  "hong-nhung", "OCOP; hội chợ",
  ["Tối 18/11, tại Quảng trường 16 Tháng 3, Sở Công Thương khai mạc Hội chợ sản phẩm OCOP và "
   "hàng nông sản tỉnh Kon Tum năm 2023.",
   "Hội chợ quy tụ hơn 100 gian hàng của doanh nghiệp, hợp tác xã trong và ngoài tỉnh, giới "
   "thiệu các sản phẩm đặc trưng như sâm dây, cà phê, mật ong, rượu cần và thổ cẩm.",
   "Bên cạnh hoạt động mua bán, ban tổ chức còn dành không gian cho nghệ nhân trình diễn dệt "
   "thổ cẩm, đan lát và ẩm thực truyền thống của đồng bào các dân tộc.",
   "Hội chợ kéo dài đến hết ngày 22/11."],
  meta=False, byline="Tin, ảnh: Hồng Nhung", byline_names=("Hồng Nhung",))

P("day-nhanh-giai-ngan-von-dau-tu-cong-nam-2024",
  "Đẩy nhanh giải ngân vốn đầu tư công những tháng cuối năm", "kinh-te", "2024-09-24 11:00",
  "thu-hang", "đầu tư công; giải ngân",
  ["UBND tỉnh vừa tổ chức hội nghị đánh giá tình hình giải ngân vốn đầu tư công 9 tháng và "
   "đề ra giải pháp cho quý IV.",
   "Đến hết tháng 9, tỷ lệ giải ngân của tỉnh mới đạt khoảng 52% kế hoạch, thấp hơn bình quân "
   "chung cả nước. Nguyên nhân chủ yếu do vướng mắc giải phóng mặt bằng và năng lực một số nhà "
   "thầu còn hạn chế.",
   "Chủ tịch UBND tỉnh yêu cầu người đứng đầu các chủ đầu tư chịu trách nhiệm về tiến độ; "
   "kiên quyết điều chuyển vốn từ dự án chậm sang dự án có khả năng giải ngân tốt. Kinh "
   "nghiệm từ kế hoạch trung hạn được [HĐND tỉnh thông qua năm 2019]"
   "(noslash:ky-hop-thu-9-hdnd-tinh-thong-qua-ke-hoach-dau-tu-cong) "
   "cho thấy chuẩn bị kỹ hồ sơ dự án là điều kiện để giải ngân nhanh.",
   "Hội nghị cũng thống nhất thành lập các tổ công tác đặc biệt, xuống tận hiện trường để tháo "
   "gỡ khó khăn cho từng dự án trọng điểm."])

P("nang-cap-quoc-lo-24-doan-qua-kon-plong",
  "Nâng cấp Quốc lộ 24 đoạn qua huyện Kon Plông", "kinh-te", "2021-10-05 13:35",
  "van-son", "giao thông; Kon Plông",
  ["Dự án nâng cấp, mở rộng Quốc lộ 24 đoạn qua huyện Kon Plông đang được đẩy nhanh tiến độ "
   "trong mùa khô.",
   "Tuyến đường là trục kết nối quan trọng giữa Kon Tum với Quảng Ngãi và cảng Dung Quất. Khi "
   "hoàn thành, thời gian di chuyển từ Măng Đen xuống đồng bằng sẽ rút ngắn đáng kể.",
   "Đơn vị thi công cho biết đã huy động thêm máy móc, tổ chức làm ca đêm ở những đoạn đèo "
   "dốc, bảo đảm an toàn cho phương tiện lưu thông."])


# --- Văn hóa – Xã hội -------------------------------------------------------------------

P("le-mung-lua-moi-cua-nguoi-xo-dang",
  "Rộn ràng lễ mừng lúa mới của người Xơ Đăng", "van-hoa-xa-hoi", "2018-12-03 17:00",
  "quoc-khanh", "lễ hội; Xơ Đăng; văn hóa dân tộc",
  ["Khi những gùi lúa cuối cùng được đưa về kho, dân làng Kon Rế, xã Đăk Ring lại náo nức "
   "chuẩn bị lễ mừng lúa mới, lễ hội quan trọng nhất trong năm của người Xơ Đăng.",
   "Từ sáng sớm, già làng A Brết cùng các bô lão làm lễ cúng Yàng, cảm tạ thần lúa đã cho mùa "
   "màng bội thu. Mâm lễ gồm gà, rượu cần và những nắm cơm nếp mới thơm lừng.",
   "Sau phần lễ, tiếng cồng chiêng vang lên, các cô gái trong trang phục thổ cẩm nhún nhảy "
   "theo điệu xoang quanh đống lửa. Con cháu đi làm ăn xa cũng trở về đoàn tụ.",
   "Già A Brết bảo, lễ mừng lúa mới không chỉ để tạ ơn thần linh mà còn nhắc con cháu giữ gìn "
   "tình làng nghĩa xóm, không quên phong tục ông bà để lại.",
   "Ngành văn hóa huyện đang hỗ trợ các làng phục dựng lễ hội truyền thống, gắn với phát triển "
   "du lịch cộng đồng."],
  images=(I("2018/12/le-mung-lua-moi.jpg", "LE MUNG LUA MOI KON RE",
            "Già làng A Brết làm lễ cúng Yàng trong ngày mừng lúa mới", after=2),
          I("2018/12/xoang-kon-re.jpg", "Điệu xoang bên đống lửa", None, after=3)),
  comments=(C("Y Blông", "2018-12-04 09:20",
              "Làng tôi năm nào cũng làm lễ này, xem bài mà nhớ nhà quá."),))

P("dua-cong-chieng-vao-truong-hoc",
  "Đưa cồng chiêng vào trường học", "van-hoa-xa-hoi", "2019-03-22 09:15", "thu-hang",
  "cồng chiêng; giáo dục; văn hóa dân tộc",
  ["Mỗi chiều thứ Sáu, sân Trường Phổ thông dân tộc nội trú huyện Đăk Tô lại rộn ràng tiếng "
   "cồng chiêng do chính các em học sinh biểu diễn.",
   "Câu lạc bộ cồng chiêng của trường được thành lập từ năm 2016, hiện có hơn 40 thành viên là "
   "học sinh người Xơ Đăng, Giẻ Triêng, Ba Na. Các em được nghệ nhân trong làng đến tận trường "
   "truyền dạy.",
   "Em Y Nhung, lớp 11, chia sẻ: “Lúc đầu em chỉ biết múa xoang, giờ em đã đánh được ba bài "
   "chiêng của làng mình”.",
   "Theo Sở Giáo dục và Đào tạo, mô hình này đang được nhân rộng ở nhiều trường vùng đồng bào "
   "dân tộc thiểu số, góp phần bảo tồn Không gian văn hóa cồng chiêng Tây Nguyên."],
  prefix=PREFIX, byline="Thu Hằng")

P("nha-rong-kon-klor-diem-hen-cua-du-khach",
  "Nhà rông Kon Klor, điểm hẹn của du khách", "van-hoa-xa-hoi du-lich", "2017-06-09 08:20",
  "ngoc-minh", "nhà rông; du lịch; Ba Na",
  ["Nằm bên dòng Đăk Bla hiền hòa, nhà rông Kon Klor được xem là một trong những nhà rông đẹp "
   "và lớn nhất Tây Nguyên.",
   "Mái nhà cao vút như lưỡi rìu ngửa lên trời, được lợp bằng tranh, khung làm từ gỗ và tre "
   "nứa theo lối kiến trúc truyền thống của người Ba Na. Đây là nơi sinh hoạt cộng đồng, hội "
   "họp và đón khách của làng.",
   "Không xa nhà rông là cầu treo Kon Klor bắc qua sông, nơi nhiều bạn trẻ chọn để ngắm hoàng "
   "hôn. Mỗi dịp cuối tuần, lượng khách đến tham quan đông hơn hẳn.",
   "Người dân làng Kon Klor mong muốn được hỗ trợ phát triển dịch vụ homestay, ẩm thực để "
   "giữ chân du khách lâu hơn."],
  meta=False)

P("hon-4-600-thi-sinh-kon-tum-du-thi-tot-nghiep-thpt",
  "Hơn 4.600 thí sinh Kon Tum bước vào kỳ thi tốt nghiệp THPT", "van-hoa-xa-hoi",
  "2023-06-28 11:30", "hong-nhung", "giáo dục; thi tốt nghiệp",
  ["Sáng 28/6, hơn 4.600 thí sinh trong tỉnh làm thủ tục dự thi tại 21 điểm thi của kỳ thi "
   "tốt nghiệp trung học phổ thông năm 2023.",
   "Các điểm thi được bố trí đủ cán bộ coi thi, lực lượng công an và y tế. Tại những điểm thi "
   "xa trung tâm, đoàn viên thanh niên tình nguyện hỗ trợ chỗ ở, bữa ăn miễn phí cho thí sinh "
   "có hoàn cảnh khó khăn.",
   "Ban Chỉ đạo thi của tỉnh yêu cầu các hội đồng thi thực hiện nghiêm quy chế, bảo đảm an "
   "toàn, nghiêm túc, đúng quy định."])

P("phat-dong-tet-trong-cay-xuan-tan-suu",
  "Phát động Tết trồng cây đời đời nhớ ơn Bác Hồ", "van-hoa-xa-hoi", "2021-02-20 10:00",
  "van-son", "trồng cây; môi trường",
  ["Hưởng ứng Tết trồng cây xuân Tân Sửu, sáng nay tỉnh Kon Tum tổ chức lễ phát động tại xã "
   "Ngọc Bay, thành phố Kon Tum.",
   "Tại buổi lễ, các đại biểu, đoàn viên, thanh niên và nhân dân đã trồng gần 2.000 cây xanh "
   "các loại. Năm nay, toàn tỉnh phấn đấu trồng mới hơn 3.000 ha rừng tập trung và hàng trăm "
   "nghìn cây phân tán.",
   "Lãnh đạo tỉnh đề nghị các địa phương không chỉ trồng mà phải chăm sóc, bảo vệ để cây sống "
   "và phát triển, góp phần nâng độ che phủ rừng."])

P("ho-tro-xay-nha-cho-ho-ngheo-dan-toc-thieu-so",
  "Hỗ trợ xây nhà cho hộ nghèo đồng bào dân tộc thiểu số", "van-hoa-xa-hoi",
  "2022-09-15 16:45", "minh-ha", "giảm nghèo; nhà ở",
  ["Ngôi nhà mới rộng hơn 40 mét vuông của gia đình chị Y Nga ở thôn Đăk Mế, xã Bờ Y vừa hoàn "
   "thành, thay cho căn nhà tạm bằng ván gỗ đã mục nát.",
   "Ngôi nhà được xây từ nguồn hỗ trợ của chương trình mục tiêu quốc gia, cùng sự chung sức "
   "của bà con trong thôn và đoàn viên thanh niên.",
   "Năm 2022, toàn tỉnh hỗ trợ xây mới, sửa chữa gần 1.000 căn nhà cho hộ nghèo. Nhiều địa "
   "phương huy động thêm xi măng, tôn lợp từ các nhà hảo tâm.",
   "Chị Y Nga xúc động: “Có nhà mới rồi, mùa mưa này các con không còn bị ướt nữa”."],
  prefix=PREFIX, byline="Minh Hà – Ngọc Minh")

P("giai-viet-da-chao-mung-ngay-giai-phong-kon-tum",
  "Giải việt dã chào mừng ngày giải phóng Kon Tum", "van-hoa-xa-hoi", "2016-03-13 11:10",
  "van-son", "thể thao; việt dã",
  ["Sáng nay, gần 500 vận động viên thuộc các đơn vị, trường học tham gia giải việt dã chào "
   "mừng kỷ niệm ngày giải phóng tỉnh Kon Tum.",
   "Đường chạy dài từ 3 đến 6 km tùy lứa tuổi, xuất phát và về đích tại Quảng trường 16 Tháng "
   "3. Nhiều phụ huynh đưa con em đến cổ vũ, tạo không khí sôi nổi.",
   "Kết thúc giải, ban tổ chức trao giải nhất toàn đoàn cho đội tuyển huyện Đăk Hà."])

P("benh-vien-da-khoa-tinh-trien-khai-ky-thuat-can-thiep-tim-mach",
  "Bệnh viện Đa khoa tỉnh làm chủ kỹ thuật can thiệp tim mạch", "van-hoa-xa-hoi",
  "2024-05-08 14:55", "thu-hang", "y tế; bệnh viện",
  ["Bệnh viện Đa khoa tỉnh Kon Tum vừa can thiệp đặt stent mạch vành thành công cho một bệnh "
   "nhân 62 tuổi bị nhồi máu cơ tim cấp.",
   "Trước đây, những ca bệnh như vậy phải chuyển lên tuyến trên, nhiều trường hợp không kịp "
   "thời gian vàng. Nhờ được chuyển giao kỹ thuật từ bệnh viện trung ương, đội ngũ bác sĩ của "
   "tỉnh đã làm chủ quy trình.",
   "Bác sĩ Trần Minh Phúc, trưởng khoa Tim mạch, cho biết bệnh viện đã thực hiện trên 50 ca "
   "can thiệp, giúp người bệnh tiết kiệm chi phí đi lại, điều trị.",
   "Bệnh viện đang đề xuất đầu tư thêm hệ thống chụp mạch số hóa để mở rộng danh mục kỹ "
   "thuật."],
  amp=True, modified="2024-05-09 07:30")

P("thu-vien-so-den-voi-hoc-sinh-vung-cao",
  "Thư viện số đến với học sinh vùng cao", "van-hoa-xa-hoi", "2025-03-12 15:20",
  "ngoc-minh", "giáo dục; chuyển đổi số",
  ["Từ đầu năm học, học sinh Trường Tiểu học xã Ngọc Linh đã có thể đọc sách trên máy tính "
   "bảng tại thư viện số của trường.",
   "Thư viện được một doanh nghiệp viễn thông tài trợ thiết bị, kết nối với kho học liệu điện "
   "tử hàng nghìn đầu sách thiếu nhi, sách tham khảo.",
   "Cô giáo Nguyễn Thị Hòa nói rằng các em rất hào hứng, nhiều em đọc được nhanh hơn hẳn.",
   "Ngành giáo dục dự kiến mở rộng mô hình tới 30 trường vùng sâu trong năm 2025."])

P("ngay-hoi-van-hoa-the-thao-cac-dan-toc-thieu-so",
  "Ngày hội văn hóa, thể thao các dân tộc thiểu số lần thứ III", "van-hoa-xa-hoi",
  "2016-11-26 20:10", "quoc-khanh", "văn hóa dân tộc; lễ hội; thể thao",
  ["Tối 26/11, Ngày hội văn hóa, thể thao các dân tộc thiểu số tỉnh Kon Tum lần thứ III chính "
   "thức khai mạc, thu hút hơn 1.000 nghệ nhân, vận động viên.",
   "## Sắc màu các dân tộc",
   "Các đoàn lần lượt trình diễn cồng chiêng, múa xoang, tái hiện nghi lễ truyền thống như lễ "
   "cầu mưa, lễ mừng nhà rông mới. Trang phục thổ cẩm rực rỡ làm sáng bừng sân khấu.",
   "## Nhiều môn thi đấu truyền thống",
   "Trong ba ngày, các vận động viên tranh tài ở các môn bắn nỏ, đẩy gậy, kéo co và chạy cà "
   "kheo. Đây là dịp để đồng bào giao lưu, học hỏi lẫn nhau."])


# --- Quốc phòng – An ninh -----------------------------------------------------------------

P("bo-doi-bien-phong-giup-dan-thu-hoach-lua",
  "Bộ đội Biên phòng giúp dân thu hoạch lúa", "quoc-phong-an-ninh", "2017-10-18 10:40",
  "van-son", "biên phòng; biên giới; dân vận",
  ["Những ngày cuối tháng 10, cán bộ, chiến sĩ Đồn Biên phòng Cửa khẩu quốc tế Bờ Y xuống từng "
   "rẫy giúp bà con làng Đăk Răng thu hoạch lúa rẫy.",
   "Mỗi buổi, hàng chục chiến sĩ cùng người dân tuốt lúa, gùi lúa về nhà. Những hộ neo đơn, "
   "người già được đơn vị ưu tiên giúp trước.",
   "Thiếu tá Nguyễn Văn Bình, Chính trị viên đồn, cho biết đây là hoạt động thường xuyên, góp "
   "phần thắt chặt tình quân dân, xây dựng thế trận lòng dân nơi biên giới."],
  prefix=PREFIX, byline="Văn Sơn – Minh Hà")

P("dien-tap-khu-vu-phong-thu-huyen-sa-thay",
  "Diễn tập khu vực phòng thủ huyện Sa Thầy năm 2019", "quoc-phong-an-ninh",
  "2019-09-26 17:30", "quoc-khanh", "diễn tập; quốc phòng; Sa Thầy",
  ["Sau hai ngày thực binh, cuộc diễn tập khu vực phòng thủ huyện Sa Thầy năm 2019 đã kết "
   "thúc thành công, bảo đảm an toàn tuyệt đối về người và vũ khí.",
   "Cuộc diễn tập giúp cấp ủy, chính quyền huyện nâng cao năng lực lãnh đạo, điều hành trong "
   "tình huống chuyển địa phương từ thời bình sang thời chiến.",
   "Đánh giá cao kết quả, Bộ Chỉ huy Quân sự tỉnh đề nghị huyện rút kinh nghiệm, bổ sung các "
   "văn kiện tác chiến sát với thực tế."])

P("bat-doi-tuong-van-chuyen-trai-phep-chat-ma-tuy",
  "Bắt đối tượng vận chuyển trái phép chất ma túy qua biên giới", "quoc-phong-an-ninh",
  "2020-07-16 21:15", "hong-nhung", "ma túy; biên giới; công an",
  ["Lực lượng chức năng vừa bắt quả tang một đối tượng đang vận chuyển trái phép chất ma túy "
   "trên tuyến đường tuần tra biên giới thuộc huyện Ngọc Hồi.",
   "Tang vật thu giữ gồm hơn 2.000 viên ma túy tổng hợp được giấu trong ba lô. Đối tượng khai "
   "nhận mang số ma túy trên từ nước bạn về tiêu thụ trong nước.",
   "Vụ việc đang được cơ quan điều tra tiếp tục mở rộng, làm rõ đường dây."],
  meta=False, prefix=PREFIX)

P("thanh-nien-kon-tum-hang-hai-len-duong-nhap-ngu",
  "Thanh niên Kon Tum hăng hái lên đường nhập ngũ", "quoc-phong-an-ninh",
  "2022-02-14 09:30", "minh-ha", "giao nhận quân; quốc phòng",
  ["Sáng 14/2, các huyện, thành phố trong tỉnh đồng loạt tổ chức lễ giao nhận quân năm 2022.",
   "Hơn 1.000 thanh niên ưu tú, trong đó có nhiều em là người dân tộc thiểu số, đã lên đường "
   "làm nghĩa vụ quân sự. Lễ giao nhận quân được tổ chức nhanh gọn, bảo đảm phòng dịch.",
   "Tân binh A Khiêm, xã Đăk Năng, chia sẻ em tự hào được khoác áo lính và hứa sẽ hoàn thành "
   "tốt nhiệm vụ."],
  images=(I("2022/02/giao-nhan-quan.jpg", "Tân binh làm lễ tuyên thệ", None, after=1),))

P("chu-dong-phong-chay-chua-chay-rung-mua-kho",
  "Chủ động phòng cháy, chữa cháy rừng mùa khô", "quoc-phong-an-ninh", "2023-03-02 08:45",
  "ngoc-minh", "phòng cháy rừng; lâm nghiệp",
  ["Mùa khô năm nay, nắng nóng kéo dài khiến nguy cơ cháy rừng trên địa bàn tỉnh luôn ở mức "
   "cao.",
   "Hạt Kiểm lâm các huyện đã bố trí lực lượng trực 24/24 giờ, tổ chức tuần tra các khu vực "
   "trọng điểm. Chủ rừng được yêu cầu làm đường băng cản lửa, dọn vật liệu cháy.",
   "Người dân khi đốt dọn nương rẫy phải báo với chính quyền thôn và có người canh giữ."])

P("tuan-tra-song-phuong-bien-gioi-viet-lao",
  "Tuần tra song phương bảo vệ biên giới Việt Nam – Lào", "quoc-phong-an-ninh",
  "2018-04-11 16:00", "van-son", "biên phòng; biên giới; Lào",
  ["Đồn Biên phòng Đăk Long phối hợp với đại đội bảo vệ biên giới của nước bạn Lào tổ chức "
   "tuần tra song phương đoạn biên giới dài gần 20 km.",
   "Trong quá trình tuần tra, hai bên kiểm tra hệ thống mốc quốc giới, trao đổi tình hình an "
   "ninh, trật tự khu vực giáp biên.",
   "Qua tuần tra, các mốc đều nguyên vẹn, không phát hiện hoạt động vi phạm quy chế biên giới."])

P("cong-an-chinh-quy-ve-xa-gan-dan",
  "Công an chính quy về xã: gần dân, sát dân", "quoc-phong-an-ninh", "2024-01-10 15:10",
  "quoc-khanh", "công an; an ninh trật tự",
  ["Sau 5 năm bố trí công an chính quy về xã, tình hình an ninh, trật tự ở cơ sở trên địa bàn "
   "tỉnh có chuyển biến rõ nét.",
   "Công an các xã đã giải quyết tại chỗ nhiều vụ mâu thuẫn, tranh chấp đất đai, không để "
   "phát sinh thành điểm nóng. Việc cấp căn cước, đăng ký cư trú cũng thuận tiện hơn cho người "
   "dân.",
   "Lịch tiếp dân và các phiên trực được cập nhật trên "
   "[lịch công tác](/noi-bo/lich-cong-tac/) của đơn vị.",
   "Thời gian tới, công an tỉnh tiếp tục đầu tư trụ sở, trang thiết bị cho công an xã."])


# --- Du lịch -----------------------------------------------------------------------------

P("mang-den-mua-hoa-anh-dao",
  "Măng Đen mùa hoa anh đào", "du-lich", "2019-01-25 14:00", "ngoc-minh",
  "Măng Đen; du lịch; Kon Plông",
  ["Cuối tháng Giêng, khi sương sớm còn giăng trên những rừng thông, hoa anh đào ở Măng Đen "
   "bắt đầu nở hồng các con đường.",
   "Những năm gần đây, huyện Kon Plông trồng thêm hàng nghìn cây anh đào dọc các tuyến đường "
   "chính và quanh hồ Đăk Ke. Mùa hoa trở thành thời điểm du khách đổ về đông nhất trong năm.",
   "Nhiều cơ sở lưu trú kín phòng từ trước Tết. Bà con địa phương cũng mở thêm dịch vụ ẩm "
   "thực, bán đặc sản như gà nướng, rượu sim, măng rừng.",
   "Chính quyền huyện khuyến cáo du khách không bẻ cành, hái hoa để giữ vẻ đẹp chung."],
  amp=True,
  images=(I("2019/01/hoa-anh-dao-mang-den.jpg", "HOA ANH DAO MANG DEN",
            "Hoa anh đào nở rộ bên hồ Đăk Ke", after=1),))

P("mang-den-huong-toi-khu-du-lich-quoc-gia",
  "Măng Đen hướng tới khu du lịch quốc gia", "du-lich thoi-su", "2024-08-02 09:05",
  "minh-ha", "Măng Đen; du lịch; quy hoạch",
  ["Quy hoạch chung Khu du lịch quốc gia Măng Đen đến năm 2045 vừa được phê duyệt, mở ra cơ "
   "hội lớn cho vùng đất được mệnh danh là “Đà Lạt thứ hai”.",
   "Theo quy hoạch, Măng Đen được định hướng trở thành đô thị du lịch sinh thái, nghỉ dưỡng "
   "cao cấp, gắn với bảo tồn rừng và văn hóa bản địa.",
   "Nhiều nhà đầu tư lớn đã đến tìm hiểu cơ hội. Tuy nhiên, chính quyền địa phương cũng cảnh "
   "báo tình trạng sốt đất, phân lô bán nền trái phép.",
   "Người dân Măng Đen mong quy hoạch sớm đi vào thực tế, tạo việc làm tại chỗ cho lao động "
   "địa phương."],
  prefix=PREFIX)

P("du-lich-long-ho-thuy-dien-ya-ly",
  "Khám phá du lịch lòng hồ thủy điện Ya Ly", "du-lich", "2021-12-18 10:30", "hong-nhung",
  "du lịch; Sa Thầy",
  ["Lòng hồ thủy điện Ya Ly với những hòn đảo nhỏ, mặt nước xanh thẳm đang dần trở thành điểm "
   "đến hấp dẫn của du khách ưa khám phá.",
   "Du khách có thể đi thuyền ngắm cảnh, câu cá, cắm trại qua đêm trên đảo và thưởng thức cá "
   "lăng, cá thát lát do ngư dân đánh bắt.",
   "Các địa phương ven hồ đang kêu gọi đầu tư hạ tầng dịch vụ, đồng thời tập huấn cho người "
   "dân kỹ năng làm du lịch cộng đồng."])

P("chinh-phuc-dinh-ngoc-linh",
  "Chinh phục đỉnh Ngọc Linh, nóc nhà Tây Nguyên", "du-lich", "2025-04-15 08:00",
  "quoc-khanh", "du lịch; Ngọc Linh; Tu Mơ Rông",
  ["Cao hơn 2.600 mét, đỉnh Ngọc Linh là điểm đến mơ ước của những người mê leo núi.",
   "Hành trình kéo dài hai ngày, băng qua rừng nguyên sinh, suối đá và những triền dốc trơn "
   "trượt. Người dẫn đường là thanh niên Xơ Đăng thông thạo từng lối mòn.",
   "Đứng trên đỉnh núi, du khách được ngắm biển mây bồng bềnh và cảm nhận sự hùng vĩ của đại "
   "ngàn Trường Sơn.",
   "Huyện Tu Mơ Rông khuyến cáo khách phải đăng ký với chính quyền xã và ban quản lý rừng "
   "trước khi lên núi."],
  byline="Quốc Khánh – Thu Hằng")


# --- Video clip ----------------------------------------------------------------------------

VT = "video-clip video-clip/thoi-su"
VP = "video-clip video-clip/phong-su"

P("thoi-su-kon-tum-ngay-14-5-2019", "Thời sự Kon Tum ngày 14/5/2019", VT,
  "2019-05-14 19:45", "quoc-khanh", "bản tin thời sự",
  ["Bản tin thời sự tối 14/5 có các nội dung chính: tỉnh triển khai kế hoạch phòng, chống "
   "dịch tả lợn châu Phi; nông dân Đăk Tô xuống giống vụ hè thu; thành phố Kon Tum ra quân "
   "chỉnh trang đô thị.",
   "Mời quý vị cùng theo dõi."],
  video="2019/05/thoi-su-14-5-2019.mp4")

P("thoi-su-kon-tum-ngay-2-9-2020", "Thời sự Kon Tum ngày 2/9/2020", VT,
  "2020-09-02 19:30", "quoc-khanh", "bản tin thời sự",
  ["Trong bản tin: lễ kỷ niệm 75 năm Cách mạng Tháng Tám và Quốc khánh 2/9; các trường học "
   "sẵn sàng cho năm học mới; cảnh báo sạt lở đất ở các huyện vùng cao."],
  video="2020/09/thoi-su-2-9-2020.mp4", meta=False)

P("thoi-su-kon-tum-ngay-8-3-2022", "Thời sự Kon Tum ngày 8/3/2022", VT,
  "2022-03-08 19:40", "thu-hang", "bản tin thời sự; phụ nữ",
  ["Bản tin hôm nay điểm lại các hoạt động kỷ niệm Ngày Quốc tế Phụ nữ 8/3, tiến độ tiêm vắc "
   "xin phòng Covid-19 cho trẻ em và kết quả thu ngân sách hai tháng đầu năm.",
   "Mời quý vị theo dõi bản tin đầy đủ."],
  video="2022/03/thoi-su-8-3-2022.mp4")

P("thoi-su-kon-tum-ngay-10-10-2024", "Thời sự Kon Tum ngày 10/10/2024", VT,
  "2024-10-10 19:35", "quoc-khanh", "bản tin thời sự; thiên tai",
  ["Mưa lớn kéo dài gây ngập úng, sạt lở nhiều đoạn đường ở huyện Sa Thầy và Kon Plông. Bản "
   "tin cập nhật công tác khắc phục hậu quả và hỗ trợ người dân bị ảnh hưởng."],
  video="2024/10/thoi-su-10-10-2024.mp4")

P("thoi-su-kon-tum-ngay-30-6-2025", "Thời sự Kon Tum ngày 30/6/2025", VT,
  "2025-06-30 19:50", "minh-ha", "bản tin thời sự; sắp xếp đơn vị hành chính",
  ["Bản tin đặc biệt ghi lại những khoảnh khắc cuối cùng của bộ máy hành chính tỉnh Kon Tum "
   "trước thời điểm hợp nhất với tỉnh Quảng Ngãi.",
   "Mời quý vị đón xem."],
  video="2025/06/thoi-su-30-6-2025.mp4")

P("thoi-su-kon-tum-ngay-21-1-2023", "Thời sự Kon Tum ngày 21/1/2023", VT,
  "2023-01-21 19:30", "thu-hang", "bản tin thời sự; Tết",
  ["Chiều 30 Tết, phố phường Kon Tum rực rỡ cờ hoa. Bản tin gửi đến quý vị không khí đón "
   "xuân ở các làng đồng bào và những người làm nhiệm vụ trong đêm giao thừa."],
  video="2023/01/thoi-su-21-1-2023.mp4")

P("thoi-su-kon-tum-ngay-5-11-2021", "Thời sự Kon Tum ngày 5/11/2021", VT,
  "2021-11-05 19:40", "quoc-khanh", "bản tin thời sự; cà phê",
  ["Nội dung chính: nông dân vào vụ thu hoạch cà phê; tỉnh đón người dân từ vùng dịch trở về "
   "quê; khởi công đường giao thông liên xã ở huyện Đăk Glei."],
  video="2021/11/thoi-su-5-11-2021.mp4")

P("phong-su-ca-phe-sach-o-dak-ha", "Phóng sự: Cà phê sạch ở Đăk Hà", VP,
  "2020-11-20 20:00", "hong-nhung", "cà phê; Đăk Hà; phóng sự",
  ["Phóng sự giới thiệu mô hình trồng cà phê theo hướng hữu cơ của một nhóm hộ ở xã Hà Mòn, "
   "nơi những người trẻ quay về lập nghiệp trên mảnh vườn của cha mẹ.",
   "Sản phẩm cà phê rang xay của nhóm đã được công nhận OCOP 3 sao."],
  video="2020/11/phong-su-ca-phe-sach.mp4", prefix=PREFIX)

P("phong-su-mua-xuan-tren-cao-nguyen-mang-den", "Phóng sự: Mùa xuân trên cao nguyên Măng Đen",
  VP, "2023-02-04 20:15", "ngoc-minh", "Măng Đen; du lịch; phóng sự",
  ["Những thước phim về Măng Đen trong sắc xuân: hoa anh đào, sương sớm và nụ cười của bà con "
   "Mơ Nâm bên bếp lửa."],
  video="2023/02/phong-su-mang-den-mua-xuan.mp4", amp=True)

P("phong-su-giu-rung-o-dak-glei", "Phóng sự: Những người giữ rừng ở Đăk Glei", VP,
  "2024-06-18 20:05", "van-son", "bảo vệ rừng; Đăk Glei; phóng sự",
  ["Phóng sự theo chân tổ bảo vệ rừng cộng đồng ở thôn Đăk Nhoong trong một chuyến tuần tra "
   "kéo dài ba ngày giữa đại ngàn."],
  video="2024/06/phong-su-giu-rung.mp4")


# --- the site ------------------------------------------------------------------------------


def kontum_site() -> Site:
    """The kontumtv fixture site model (fresh objects on every call)."""
    import copy
    site = Site(
        origin="http://kontumtv.test",
        name="Đài PT-TH Kon Tum",
        long_name="Đài Phát thanh - Truyền hình Kon Tum",
        tagline="Tin tức – Video – Phát thanh Kon Tum",
        today=dt.datetime(2025, 12, 1, 8, 0, tzinfo=TZ),
        users={slug: User(slug, name) for slug, name in USERS.items()},
        categories={c.key: copy.copy(c) for c in CATEGORIES},
        posts=[copy.copy(p) for p in POSTS],
        pages=[copy.copy(p) for p in PAGES],
        menu=("thoi-su", "kinh-te", "van-hoa-xa-hoi", "quoc-phong-an-ninh", "du-lich",
              "video-clip"),
        per_page=6,
        disallowed=("/noi-bo/",),
    )
    site.finalize()
    theme = KontumTheme(site, [], [])
    for post in site.posts:
        for para in post.paras:
            for target in markup.links(para):
                kind, _, ref = target.partition(":")
                if kind in ("p", "noslash"):
                    site.redirects[theme.resolve(target)] = (site.post_path(site.by_slug[ref]), 301)
    return site
